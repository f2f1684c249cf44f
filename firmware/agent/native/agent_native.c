/* Native board: the agent as a Linux process. stdin/stdout are its serial line, stderr is the
 * device log. Crashes are reported over the protocol from the signal handler, then the process
 * dies with the original signal so the host also sees the exit status. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "paltest.h"

extern const char paltls_agent_build_id[];

static int s_proto_fd = STDOUT_FILENO;

#define NATIVE_CAPABILITIES (PALTEST_NEEDS_PEER | PALTEST_NEEDS_THREADS | PALTEST_NEEDS_FAULT_HOOKS)

/* The suite asks the board what it can do (paltest_run skips what it cannot). */
uint32_t paltest_capabilities(void)
{
    return NATIVE_CAPABILITIES;
}

static int native_read(uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN, .revents = 0};
    int r = poll(&pfd, 1, (int)timeout_ms);
    if (r < 0) {
        return errno == EINTR ? 0 : -1;
    }
    if (r == 0) {
        return 0;
    }
    ssize_t n = read(STDIN_FILENO, buf, len);
    if (n == 0) {
        /* The host closed the line: nothing left to serve. */
        _exit(0);
    }
    if (n < 0) {
        return (errno == EINTR || errno == EAGAIN) ? 0 : -1;
    }
    return (int)n;
}

static int native_write(const uint8_t *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(s_proto_fd, buf, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

static void on_fatal_signal(int sig, siginfo_t *info, void *context)
{
    (void)context;
    agent_fault_t fault;
    memset(&fault, 0, sizeof(fault));
    switch (sig) {
    case SIGSEGV: fault.reason = "SIGSEGV"; break;
    case SIGILL: fault.reason = "SIGILL"; break;
    case SIGBUS: fault.reason = "SIGBUS"; break;
    case SIGFPE: fault.reason = "SIGFPE"; break;
    case SIGABRT: fault.reason = "SIGABRT"; break;
    default: fault.reason = "signal"; break;
    }
    fault.regs[0].name = "signal";
    fault.regs[0].value = (uint32_t)sig;
    fault.regs[1].name = "addr";
    fault.regs[1].value = (uint32_t)(uintptr_t)(info ? info->si_addr : NULL);
    fault.reg_count = 2;
    agent_report_fault(&fault);
    signal(sig, SIG_DFL);
    raise(sig);
}

#if defined(PALTLS_NATIVE_BRIDGE)
/* Socket-bridge build: while a case or a handshake waits (a semaphore, a delay), readiness events
 * and late replies still have to be read from the line. This thread serves it then, as the
 * bare-metal port's waits do; between requests the agent's main loop reads the line itself. */
static void *bridge_service_main(void *argument)
{
    const struct timespec pause = {0, 1000000L};
    (void)argument;
    for (;;) {
        (void)agent_poll_busy();
        (void)nanosleep(&pause, NULL);
    }
    return NULL;
}

static int start_bridge_service(void)
{
    pthread_t thread;
    if (pthread_create(&thread, NULL, bridge_service_main, NULL) != 0) {
        return -1;
    }
    return pthread_detach(thread) == 0 ? 0 : -1;
}
#endif

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--build-id") == 0) {
            printf("%s\n", paltls_agent_build_id);
            return 0;
        }
        fprintf(stderr, "usage: %s [--build-id]\n(stdin/stdout carry the paltls protocol; run it through `paltls`)\n", argv[0]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_fatal_signal;
    sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    const int fatal[] = {SIGSEGV, SIGILL, SIGBUS, SIGFPE, SIGABRT};
    for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++) {
        sigaction(fatal[i], &sa, NULL);
    }
    /* The protocol keeps the original stdout; stdio output from PAL and the suite (printf) is
     * sent to stderr, the device log, so it never lands in the middle of a frame. */
    s_proto_fd = dup(STDOUT_FILENO);
    if (s_proto_fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
        perror("paltls_agent_native: dup");
        return 2;
    }
#if defined(PALTLS_NATIVE_BRIDGE)
    if (start_bridge_service() != 0) {
        perror("paltls_agent_native: bridge service thread");
        return 2;
    }
#endif
    static const agent_io_t io = {native_read, native_write};
    static agent_board_info_t info;
    info.board = "native";
    info.build_id = paltls_agent_build_id;
    info.capabilities = NATIVE_CAPABILITIES;
    info.entropy_is_test_only = false;
    agent_main(&io, &info);
    return 0;
}
