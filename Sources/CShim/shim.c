#define _GNU_SOURCE 1
#include "CShim.h"
#include <alsa/asoundlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

attr_t sotto_attr_bold(void) { return A_BOLD; }
attr_t sotto_attr_dim(void) { return A_DIM; }
attr_t sotto_attr_reverse(void) { return A_REVERSE; }
attr_t sotto_attr_underline(void) { return A_UNDERLINE; }
attr_t sotto_attr_standout(void) { return A_STANDOUT; }
attr_t sotto_color_pair(int pair) { return (attr_t)COLOR_PAIR(pair); }
int sotto_key_f(int n) { return KEY_F(n); }

WINDOW *sotto_stdscr(void) { return stdscr; }
int sotto_lines(void) { return LINES; }
int sotto_cols(void) { return COLS; }
int sotto_colors(void) { return COLORS; }
int sotto_color_pairs(void) { return COLOR_PAIRS; }

int sotto_wcwidth(wchar_t c) { return wcwidth(c); }

static __thread char alsa_last_error[512];

static void capture_alsa_error(const char *file, int line, const char *function, int err,
                               const char *fmt, ...) {
    (void)file; (void)line; (void)function; (void)err;
    va_list args;
    va_start(args, fmt);
    vsnprintf(alsa_last_error, sizeof alsa_last_error, fmt, args);
    va_end(args);
}

void sotto_alsa_capture_errors(void) { snd_lib_error_set_handler(capture_alsa_error); }
const char *sotto_alsa_last_error(void) { return alsa_last_error; }
void sotto_alsa_clear_error(void) { alsa_last_error[0] = 0; }
