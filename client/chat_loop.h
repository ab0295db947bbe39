/* chat_loop.h - the client's event loop: one thread, one poll() over the server socket and
 * stdin, until the conversation ends.
 *
 * Nothing blocks except poll() itself: the socket is non-blocking and what the user types is
 * queued and sent as the socket accepts it, so a slow server never freezes the keyboard and a
 * fast one never freezes the typing. */
#ifndef CLIENT_CHAT_LOOP_H
#define CLIENT_CHAT_LOOP_H

#include <stdbool.h>

struct chat_config {
    int sock;           /* connected, non-blocking */
    bool interactive;   /* stdin and stdout are terminals: prompt and line editor */
    bool color;
    bool sanitize;      /* stdout is a terminal */
    const char *nick;   /* send /nick NAME once welcomed, or NULL */
};

enum chat_outcome {
    CHAT_LEFT,              /* we sent /quit and the server closed the connection */
    CHAT_CLOSED_BY_SERVER,  /* the server closed without being asked */
    CHAT_SERVER_SHUTDOWN,   /* ... after saying "* server is shutting down" */
    CHAT_CONNECTION_LOST,   /* the socket failed: error */
    CHAT_SERVER_FULL,       /* "! server full ..." then close: refusal */
    CHAT_LOCAL_ERROR,       /* stdin, stdout or the terminal failed: what, error */
    CHAT_SIGNALLED,         /* SIGINT, SIGTERM or SIGHUP arrived: signal */
};

struct chat_result {
    enum chat_outcome outcome;
    int error;              /* errno, for CHAT_CONNECTION_LOST and CHAT_LOCAL_ERROR */
    const char *what;       /* CHAT_LOCAL_ERROR: what failed, e.g. "writing to stdout" */
    int signal;
    bool quit_timed_out;    /* CHAT_LEFT: the server did not close in time, we closed */
    char refusal[96];       /* CHAT_SERVER_FULL: the server's words, as received */
};

/* Run the conversation on config->sock. Puts the terminal back as it was before returning. */
struct chat_result chat_loop_run(const struct chat_config *config);

#endif
