/* exit_status.h - how chat-client ends, as a shell script sees it in $?.
 *
 * Each way of ending has its own number so a script can tell "I left" from "the server went
 * away" from "I never got in". --help and client/README.md list the same table. */
#ifndef CLIENT_EXIT_STATUS_H
#define CLIENT_EXIT_STATUS_H

enum client_exit_status {
    CLIENT_EXIT_LEFT = 0,            /* you left: /quit, Ctrl-D, Ctrl-C or end of piped input */
    CLIENT_EXIT_CANNOT_CONNECT = 1,  /* name lookup, connect() or its timeout failed */
    CLIENT_EXIT_USAGE = 2,           /* bad command line */
    CLIENT_EXIT_CONNECTION_LOST = 3, /* the server closed the connection, or it broke */
    CLIENT_EXIT_SERVER_FULL = 4,     /* the server refused us: "! server full" */
    CLIENT_EXIT_LOCAL_ERROR = 5,     /* our own terminal, stdin or stdout failed */
};

#endif
