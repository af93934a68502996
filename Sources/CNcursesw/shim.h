// ncurses with the wide-character API. The -D flags in ncursesw.pc are dropped by SwiftPM, so
// the definitions they would make live here. libncursesw.so is a linker script that adds -ltinfo.
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>
