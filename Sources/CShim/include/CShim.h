// What Swift cannot import from the C libraries Sotto uses: ncurses macros and globals,
// the ALSA error handler (a C variadic callback), and wcwidth (hidden by Swift's Glibc module).
#ifndef SOTTO_CSHIM_H
#define SOTTO_CSHIM_H

#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <wchar.h>
#include <ncursesw/curses.h>

// ncurses: attribute and key macros.
attr_t sotto_attr_bold(void);
attr_t sotto_attr_dim(void);
attr_t sotto_attr_reverse(void);
attr_t sotto_attr_underline(void);
attr_t sotto_attr_standout(void);
attr_t sotto_color_pair(int pair);
int sotto_key_f(int n);

// ncurses: globals (mutable C globals are not concurrency-safe in Swift 6).
WINDOW *sotto_stdscr(void);
int sotto_lines(void);
int sotto_cols(void);
int sotto_colors(void);
int sotto_color_pairs(void);

// Display width of one character in columns (-1 for non-printable), per the C library's tables.
int sotto_wcwidth(wchar_t c);

// ALSA: route the library's error messages (e.g. "cannot find card '0'") away from stderr, where
// they would scribble over a curses screen, into a small buffer Sotto can quote in its own error.
void sotto_alsa_capture_errors(void);
// The last message ALSA reported on this thread, or "" if none.
const char *sotto_alsa_last_error(void);
void sotto_alsa_clear_error(void);

#endif
