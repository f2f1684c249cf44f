/* paltls_peer entry point and event loop. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "peer.h"

#define PEER_MAX_POLL_MS 60000

static volatile sig_atomic_t g_stop;

static void peer_on_signal(int sig)
{
    (void) sig;
    g_stop = 1;
}

/* SIGINT/SIGTERM stay blocked except inside ppoll(), so a signal can never slip in between the
 * check of g_stop and the wait. */
static int peer_signals_setup(sigset_t *wait_mask)
{
    struct sigaction sa;
    sigset_t block;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = peer_on_signal;
    if (sigemptyset(&sa.sa_mask) != 0 || sigaction(SIGINT, &sa, NULL) != 0 ||
        sigaction(SIGTERM, &sa, NULL) != 0) {
        return -1;
    }
    sa.sa_handler = SIG_IGN;
    if (sigaction(SIGPIPE, &sa, NULL) != 0) {
        return -1;
    }
    if (sigemptyset(&block) != 0 || sigaddset(&block, SIGINT) != 0 ||
        sigaddset(&block, SIGTERM) != 0 || sigprocmask(SIG_BLOCK, &block, wait_mask) != 0) {
        return -1;
    }
    if (sigdelset(wait_mask, SIGINT) != 0 || sigdelset(wait_mask, SIGTERM) != 0) {
        return -1;
    }
    return 0;
}

static void peer_announce(const struct peer *p)
{
    size_t i;

    for (i = 0; i < p->listener_count; i++) {
        printf("READY %s %u\n", p->listeners[i].profile->name, (unsigned) p->listeners[i].port);
    }
    printf("READY all\n");
    fflush(stdout);
}

static void peer_slot_add(struct peer *p, size_t *n, int fd, short events,
                          enum peer_slot_kind kind, struct peer_listener *l, struct peer_conn *c)
{
    p->pfds[*n].fd = fd;
    p->pfds[*n].events = events;
    p->pfds[*n].revents = 0;
    p->slots[*n].kind = kind;
    p->slots[*n].listener = l;
    p->slots[*n].conn = c;
    (*n)++;
}

static size_t peer_poll_build(struct peer *p)
{
    size_t n = 0;
    size_t i;

    if (p->opt.exit_on_stdin_eof) {
        peer_slot_add(p, &n, STDIN_FILENO, POLLIN, PEER_SLOT_STDIN, NULL, NULL);
    }
    for (i = 0; i < p->listener_count; i++) {
        struct peer_listener *l = &p->listeners[i];

        peer_slot_add(p, &n, l->tcp_fd, POLLIN, PEER_SLOT_TCP_LISTEN, l, NULL);
        peer_slot_add(p, &n, l->udp_fd, POLLIN, PEER_SLOT_UDP, l, NULL);
    }
    for (i = 0; i < p->conn_count; i++) {
        struct peer_conn *c = p->conns[i];

        if (c->transport == MBEDTLS_SSL_TRANSPORT_STREAM) {
            peer_slot_add(p, &n, c->fd, (short) (POLLIN | (c->want_write ? POLLOUT : 0)),
                          PEER_SLOT_CONN, c->listener, c);
        }
    }
    return n;
}

static void peer_poll_timeout(const struct peer *p, struct timespec *ts)
{
    int64_t now = peer_now_ms();
    int64_t wait = PEER_MAX_POLL_MS;
    size_t i;

    for (i = 0; i < p->conn_count; i++) {
        int64_t left = peer_conn_deadline(p->conns[i]) - now;

        if (left < wait) {
            wait = left < 0 ? 0 : left;
        }
    }
    ts->tv_sec = (time_t) (wait / 1000);
    ts->tv_nsec = (long) (wait % 1000) * 1000000L;
}

/* Returns -1 when stdin reached end of file (or failed). */
static int peer_stdin_ready(void)
{
    char buf[256];
    ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

    if (n > 0 || (n < 0 && (errno == EINTR || errno == EAGAIN))) {
        return 0;
    }
    peer_log("stdin %s: exiting", n == 0 ? "reached end of file" : "failed");
    return -1;
}

static int peer_poll_dispatch(struct peer *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        const struct peer_slot *s = &p->slots[i];
        short rev = p->pfds[i].revents;

        if (rev == 0) {
            continue;
        }
        switch (s->kind) {
            case PEER_SLOT_STDIN:
                if (peer_stdin_ready() != 0) {
                    return -1;
                }
                break;
            case PEER_SLOT_TCP_LISTEN:
                peer_tcp_accept(p, s->listener);
                break;
            case PEER_SLOT_UDP:
                peer_udp_receive(p, s->listener);
                break;
            case PEER_SLOT_CONN:
                peer_conn_drive(p, s->conn);
                break;
        }
    }
    return 0;
}

static int peer_run(struct peer *p, const sigset_t *wait_mask)
{
    struct timespec ts;
    size_t n;
    int ret;

    while (!g_stop) {
        n = peer_poll_build(p);
        peer_poll_timeout(p, &ts);
        ret = ppoll(p->pfds, n, &ts, wait_mask);
        if (ret < 0) {
            if (errno == EINTR) {
                continue;
            }
            peer_log("ppoll failed: %s", strerror(errno));
            return -1;
        }
        if (ret > 0 && peer_poll_dispatch(p, n) != 0) {
            break;
        }
        peer_conn_expire(p, peer_now_ms());
    }
    if (g_stop) {
        peer_log("signal received: exiting");
    }
    return 0;
}

int main(int argc, char **argv)
{
    static struct peer peer;
    sigset_t wait_mask;
    int ret;

    ret = peer_options_parse(&peer.opt, argc, argv);
    if (ret != PEER_OPTIONS_OK) {
        return ret == PEER_OPTIONS_HELP ? 0 : 2;
    }
    if (peer_log_open(peer.opt.log_path) != 0) {
        return 1;
    }
    if (peer_signals_setup(&wait_mask) != 0) {
        peer_log("signal set-up failed: %s", strerror(errno));
        peer_log_close();
        return 1;
    }
    ret = peer_setup(&peer);
    if (ret == 0) {
        peer_announce(&peer);
        ret = peer_run(&peer, &wait_mask);
    }
    peer_teardown(&peer);
    peer_log_close();
    return ret == 0 ? 0 : 1;
}
