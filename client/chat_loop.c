/* chat_loop.c - see chat_loop.h. */
#include "chat_loop.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "line_editor.h"
#include "line_reader.h"
#include "screen.h"
#include "self_state.h"
#include "terminal.h"

/* After /quit the server sends our quit line and closes; if it does not, leave anyway. */
#define QUIT_WAIT_MS 5000
/* At most this many recv() calls per wake-up, so a flooding server cannot starve the keyboard. */
#define RECEIVES_PER_WAKEUP 16
#define RECEIVE_CHUNK 4096
/* Piped input lines longer than this are cut; the server refuses anything over 512 anyway. */
#define STDIN_LINE_MAX (2 * CHAT_MAX_LINE)
#define KEYBOARD_READ_MAX 256
#define SEND_QUEUE_SIZE 65536
#define QUIT_COMMAND "/quit\n"

struct chat {
    const struct chat_config *config;
    struct self_state self;
    struct screen screen;
    struct line_editor editor;              /* interactive mode */
    struct line_reader from_server;
    struct line_reader from_stdin;          /* plain mode */
    char server_storage[SCREEN_MAX_LINE];
    char stdin_storage[STDIN_LINE_MAX];
    char send_queue[SEND_QUEUE_SIZE];       /* typed lines the socket has not taken yet */
    size_t send_len;
    bool send_failed;       /* stop sending; the receive side will tell us why */
    bool stdin_open;
    bool leaving;           /* /quit is queued: no more input, wait for the server to close */
    long long leave_deadline;
    bool done;
    struct chat_result result;
};

/* Static, not on the stack: the buffers add up to a few hundred kilobytes. */
static struct chat chat;

static volatile sig_atomic_t pending_signal;    /* SIGINT, SIGTERM or SIGHUP */

/* SIGWINCH (window resized) only has to interrupt ppoll(): every wake-up redraws the prompt
 * row at the current width. */
static void on_signal(int sig)
{
    if (sig != SIGWINCH)
        pending_signal = sig;
}

/* The signals stay blocked except while we wait in ppoll(), which unblocks them atomically:
 * so a signal can only arrive while we wait (and wakes us), never just before the wait where
 * its flag would go unnoticed until the next key press. */
static void catch_signals(sigset_t *old_mask)
{
    static const int caught[] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH };
    sigset_t block;
    sigemptyset(&block);
    for (size_t i = 0; i < sizeof caught / sizeof caught[0]; i++) {
        struct sigaction sa = { .sa_handler = on_signal };
        sigemptyset(&sa.sa_mask);
        sigaction(caught[i], &sa, NULL);
        sigaddset(&block, caught[i]);
    }
    sigprocmask(SIG_BLOCK, &block, old_mask);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void finish(enum chat_outcome outcome, int error)
{
    if (chat.done)
        return;
    chat.done = true;
    chat.result.outcome = outcome;
    chat.result.error = error;
}

static void local_error(const char *what, int error)
{
    chat.result.what = what;
    finish(CHAT_LOCAL_ERROR, error);
}

/* ---- what we send ---- */

static void queue_text(const char *text, size_t len)
{
    size_t room = SEND_QUEUE_SIZE - chat.send_len;
    if (len > room)
        len = room;   /* cannot happen: input_budget() keeps enough room */
    memcpy(chat.send_queue + chat.send_len, text, len);
    chat.send_len += len;
}

static void begin_leaving(void)
{
    chat.leaving = true;
    chat.leave_deadline = now_ms() + QUIT_WAIT_MS;
    screen_remove_prompt(&chat.screen);
}

static void send_quit(void)
{
    queue_text(QUIT_COMMAND, strlen(QUIT_COMMAND));
    begin_leaving();
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* "/quit" or "/quit MESSAGE", any letter case, after optional blanks (the server trims them). */
static bool is_quit_command(const char *line, size_t len)
{
    size_t i = 0;
    while (i < len && is_blank(line[i]))
        i++;
    if (len - i < 5 || line[i] != '/' || strncasecmp(line + i + 1, "quit", 4) != 0)
        return false;
    return len - i == 5 || is_blank(line[i + 5]);
}

static void send_user_line(const char *line, size_t len)
{
    size_t i = 0;
    while (i < len && is_blank(line[i]))
        i++;
    if (i == len)
        return;   /* the server ignores blank lines; no need to send them */
    queue_text(line, len);
    queue_text("\n", 1);
    if (is_quit_command(line, len))
        begin_leaving();
}

static void send_to_server(void)
{
    ssize_t n = send(chat.config->sock, chat.send_queue, chat.send_len, MSG_NOSIGNAL);
    if (n > 0) {
        chat.send_len -= (size_t)n;
        memmove(chat.send_queue, chat.send_queue + n, chat.send_len);
    } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        /* Do not end here: the server may have sent a last line ("! server full") that is
         * still waiting to be read. The receive side reports the end. */
        chat.send_failed = true;
    }
}

/* ---- what we receive ---- */

static void connection_ended(int error)
{
    if (chat.self.server_full) {
        memcpy(chat.result.refusal, chat.self.refusal, sizeof chat.result.refusal);
        finish(CHAT_SERVER_FULL, 0);
    } else if (chat.leaving) {
        finish(CHAT_LEFT, 0);
    } else if (chat.self.shutting_down) {
        finish(CHAT_SERVER_SHUTDOWN, 0);
    } else if (error != 0) {
        finish(CHAT_CONNECTION_LOST, error);
    } else {
        finish(CHAT_CLOSED_BY_SERVER, 0);
    }
}

static void show_server_lines(void)
{
    struct line line;
    while (line_reader_next(&chat.from_server, &line)) {
        self_state_observe(&chat.self, line.text, line.len);
        screen_add_line(&chat.screen, line.text, line.len, line.cut);
    }
}

static void receive_from_server(void)
{
    for (int i = 0; i < RECEIVES_PER_WAKEUP && !chat.done; i++) {
        char chunk[RECEIVE_CHUNK];
        ssize_t n = recv(chat.config->sock, chunk, sizeof chunk, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n <= 0) {
            int error = n < 0 ? errno : 0;
            line_reader_end(&chat.from_server);   /* show a last line that had no "\n" */
            show_server_lines();
            connection_ended(error);
            return;
        }
        size_t used = 0;
        while (used < (size_t)n) {
            used += line_reader_feed(&chat.from_server, chunk + used, (size_t)n - used);
            show_server_lines();
        }
    }
}

/* ---- what the user types ---- */

static size_t smaller(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* How many bytes of input may be read now so that whatever they make us send fits in the
 * send queue. Zero when the queue is too full: stdin is left unread until the server has
 * taken some, which bounds memory however fast the input comes. */
static size_t input_budget(void)
{
    size_t room = SEND_QUEUE_SIZE - chat.send_len;
    size_t reserve = strlen(QUIT_COMMAND) + 16;   /* a /quit can follow any input */
    if (room <= reserve)
        return 0;
    room -= reserve;
    if (chat.config->interactive) {
        /* One key can send a whole line: Enter, or Enter after Ctrl-P recalled a long one. */
        return smaller(room / (LINE_EDITOR_MAX + 1), KEYBOARD_READ_MAX);
    }
    /* The bytes read, plus the partial line the reader already holds, come out as lines;
     * the reserve covers the "\n" added to a cut or unterminated one. */
    return room > STDIN_LINE_MAX ? smaller(room - STDIN_LINE_MAX, STDIN_LINE_MAX) : 0;
}

static void read_keyboard(size_t budget)
{
    unsigned char keys[KEYBOARD_READ_MAX];
    ssize_t n = read(STDIN_FILENO, keys, smaller(budget, sizeof keys));
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n < 0) {
        local_error("reading the terminal", errno);
        return;
    }
    if (n == 0) {                 /* the terminal went away */
        chat.stdin_open = false;
        send_quit();
        return;
    }
    for (ssize_t i = 0; i < n && !chat.leaving; i++) {
        size_t len;
        const char *line;
        switch (line_editor_feed(&chat.editor, keys[i])) {
        case LINE_EDITOR_SUBMITTED:
            line = line_editor_submitted(&chat.editor, &len);
            send_user_line(line, len);
            break;
        case LINE_EDITOR_END:
        case LINE_EDITOR_INTERRUPT:
            send_quit();
            break;
        case LINE_EDITOR_CLEAR_SCREEN:
            screen_clear(&chat.screen);
            break;
        case LINE_EDITOR_BELL:
            screen_bell(&chat.screen);
            break;
        case LINE_EDITOR_NOTHING:
        case LINE_EDITOR_CHANGED:
            break;   /* the prompt row is redrawn once, after all the keys */
        }
    }
}

static void send_stdin_lines(void)
{
    struct line line;
    while (!chat.leaving && line_reader_next(&chat.from_stdin, &line))
        send_user_line(line.text, line.len);
}

static void read_piped_input(size_t budget)
{
    char chunk[STDIN_LINE_MAX];
    ssize_t n = read(STDIN_FILENO, chunk, smaller(budget, sizeof chunk));
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n < 0) {
        local_error("reading stdin", errno);
        return;
    }
    if (n == 0) {
        chat.stdin_open = false;
        line_reader_end(&chat.from_stdin);   /* send a last line that had no "\n" */
        send_stdin_lines();
        if (!chat.leaving)
            send_quit();
        return;
    }
    size_t used = 0;
    while (used < (size_t)n && !chat.leaving) {
        used += line_reader_feed(&chat.from_stdin, chunk + used, (size_t)n - used);
        send_stdin_lines();
    }
}

/* ---- the loop ---- */

static void start(const struct chat_config *config)
{
    memset(&chat, 0, sizeof chat);
    chat.config = config;
    chat.stdin_open = true;
    self_state_init(&chat.self);
    screen_init(&chat.screen, config->interactive, config->color, config->sanitize);
    line_editor_init(&chat.editor);
    line_reader_init(&chat.from_server, chat.server_storage, sizeof chat.server_storage);
    line_reader_init(&chat.from_stdin, chat.stdin_storage, sizeof chat.stdin_storage);
    pending_signal = 0;

    /* Queued now, sent once the server has welcomed us (nothing is sent before that). */
    if (config->nick) {
        queue_text("/nick ", 6);
        queue_text(config->nick, strlen(config->nick));
        queue_text("\n", 1);
    }
}

/* Wait for the next event. Returns false when the loop should stop. */
static bool wait_for_events(struct pollfd fds[2], const sigset_t *wait_mask)
{
    /* Send only after the welcome: if the server is refusing us ("! server full") it closes
     * at once, and unread data from us could turn its close into a reset that loses the
     * refusal before we read it. */
    bool want_send = chat.self.welcomed && chat.send_len > 0 && !chat.send_failed;
    bool want_input = chat.stdin_open && !chat.leaving && input_budget() > 0;

    fds[0] = (struct pollfd){ .fd = chat.config->sock, .events = POLLIN | (want_send ? POLLOUT : 0) };
    fds[1] = (struct pollfd){ .fd = want_input ? STDIN_FILENO : -1, .events = POLLIN };

    struct timespec timeout, *wait_limit = NULL;
    if (chat.leaving) {
        long long left = chat.leave_deadline - now_ms();
        if (left <= 0) {
            chat.result.quit_timed_out = true;
            finish(CHAT_LEFT, 0);
            return false;
        }
        timeout = (struct timespec){ .tv_sec = left / 1000, .tv_nsec = (left % 1000) * 1000000 };
        wait_limit = &timeout;
    }

    if (ppoll(fds, 2, wait_limit, wait_mask) < 0) {
        fds[0].revents = fds[1].revents = 0;
        if (errno != EINTR) {
            local_error("waiting for input", errno);
            return false;
        }
    }
    return true;
}

struct chat_result chat_loop_run(const struct chat_config *config)
{
    sigset_t wait_mask;
    start(config);
    catch_signals(&wait_mask);

    if (config->interactive && !terminal_enter_raw(STDIN_FILENO))
        local_error("setting up the terminal", errno);
    if (!chat.done && !screen_update(&chat.screen, &chat.self, &chat.editor))
        local_error("writing to stdout", chat.screen.error);

    while (!chat.done) {
        struct pollfd fds[2];
        if (!wait_for_events(fds, &wait_mask))
            break;
        if (pending_signal) {
            chat.result.signal = pending_signal;
            finish(CHAT_SIGNALLED, 0);
            break;
        }

        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR))
            receive_from_server();
        if (!chat.done && (fds[0].revents & POLLOUT))
            send_to_server();
        /* Any event on stdin, even an error, goes to read(), which reports it: ignoring one
         * (say POLLNVAL) would make poll() return at once, forever. */
        /* The budget was above zero when we polled and sending only frees room; checked
         * anyway, because a read() of zero bytes would look like end of input. */
        size_t budget = input_budget();
        if (!chat.done && fds[1].revents && budget > 0) {
            if (config->interactive)
                read_keyboard(budget);
            else
                read_piped_input(budget);
        }
        if (!screen_update(&chat.screen, &chat.self, &chat.editor))
            local_error("writing to stdout", chat.screen.error);
    }

    if (config->interactive) {
        screen_remove_prompt(&chat.screen);
        screen_update(&chat.screen, &chat.self, &chat.editor);
        terminal_restore();
    }
    sigprocmask(SIG_SETMASK, &wait_mask, NULL);
    return chat.result;
}
