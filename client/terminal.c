/* terminal.c - see terminal.h. */
#include "terminal.h"

#include <sys/ioctl.h>
#include <termios.h>

static struct termios saved;
static int saved_fd = -1;

bool terminal_enter_raw(int fd)
{
    struct termios raw;
    if (tcgetattr(fd, &saved) < 0)
        return false;
    saved_fd = fd;

    raw = saved;
    /* No line collecting, no echo; Ctrl-C, Ctrl-Z and Ctrl-\ arrive as bytes (ISIG off) so
     * the client decides what they do and the terminal is never left raw by a signal;
     * Ctrl-V is a byte too (IEXTEN); Ctrl-S/Ctrl-Q do not freeze output (IXON). */
    raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG | IEXTEN);
    /* Enter arrives as "\r" untranslated (ICRNL off); no 8th-bit stripping or parity. */
    raw.c_iflag &= ~(tcflag_t)(ICRNL | INLCR | IGNCR | IXON | ISTRIP | INPCK | BRKINT);
    raw.c_cc[VMIN] = 1;    /* read() returns as soon as one byte is there */
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(fd, TCSAFLUSH, &raw) < 0) {
        saved_fd = -1;
        return false;
    }
    return true;
}

void terminal_restore(void)
{
    if (saved_fd >= 0)
        tcsetattr(saved_fd, TCSANOW, &saved);
    saved_fd = -1;
}

size_t terminal_columns(int fd)
{
    struct winsize size;
    if (ioctl(fd, TIOCGWINSZ, &size) < 0 || size.ws_col == 0)
        return 80;
    return size.ws_col;
}
