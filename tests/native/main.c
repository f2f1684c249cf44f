/* Native runner: runs suite cases in this process on the posix port, against a test peer it
 * starts itself. One case per process under CTest (--run NAME), or any selection by hand. */
#include <errno.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "paltest.h"
#include "paltest_env.h"

#define EXIT_SKIPPED 77

static const char *const g_profiles[] = { "default", "expired", "future", "unrelated", "badku", "liar", "silent" };
/* Environment key (pki.<name>) and file in the PKI directory. */
static const char *const g_pki_objects[][2] = {
    { "ca", "ca.der" },
    { "device_cert", "device_cert.der" },
    { "device_key", "device_key.der" },
    { "unrelated_ca", "unrelated_ca.der" },
    { "server_cert", "server.der" },
    { "server_key", "server.key.der" },
};

typedef struct options {
    const char *peer_path;
    const char *pki_dir;
    const char *patterns[64];
    size_t pattern_count;
    const char *env[16]; /* KEY=VALUE strings from --env, set after the runner's own keys */
    size_t env_count;
    bool list;
    bool list_ctest;
} options_t;

static uint32_t g_capabilities = PALTEST_NEEDS_THREADS;
static pid_t g_peer_pid = -1;

uint32_t paltest_capabilities(void)
{
    return g_capabilities;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: paltls_native_tests [--peer PATH] [--pki DIR] [--run GLOB]... [--env KEY=VALUE]... [--list | --list-ctest]\n"
            "  --peer PATH    test peer executable (started on ephemeral ports for the run)\n"
            "  --pki DIR      test PKI directory (ca.der, device_cert.der, device_key.der, ...)\n"
            "  --run GLOB     run the cases whose name matches (default: all); repeatable\n"
            "  --env KEY=VALUE  test environment entry, e.g. soak.count=1000; repeatable\n"
            "  --list         print case names\n"
            "  --list-ctest   print CTest registrations for every case\n"
            "Exit status: 0 all selected cases passed or skipped, 1 a case failed, 2 usage or setup error,\n"
            "77 every selected case was skipped.\n");
}

static int parse_options(int argc, char **argv, options_t *opts)
{
    int i;

    memset(opts, 0, sizeof(*opts));
    for (i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = (i + 1 < argc) ? argv[i + 1] : NULL;

        if (strcmp(arg, "--list") == 0) {
            opts->list = true;
        } else if (strcmp(arg, "--list-ctest") == 0) {
            opts->list_ctest = true;
        } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            usage(stdout);
            exit(0);
        } else if (value != NULL && strcmp(arg, "--peer") == 0) {
            opts->peer_path = value;
            i++;
        } else if (value != NULL && strcmp(arg, "--pki") == 0) {
            opts->pki_dir = value;
            i++;
        } else if (value != NULL && strcmp(arg, "--run") == 0 &&
                   opts->pattern_count < sizeof(opts->patterns) / sizeof(opts->patterns[0])) {
            opts->patterns[opts->pattern_count++] = value;
            i++;
        } else if (value != NULL && strcmp(arg, "--env") == 0 && strchr(value, '=') != NULL &&
                   opts->env_count < sizeof(opts->env) / sizeof(opts->env[0])) {
            opts->env[opts->env_count++] = value;
            i++;
        } else {
            fprintf(stderr, "paltls_native_tests: unexpected argument '%s'\n", arg);
            usage(stderr);
            return -1;
        }
    }
    return 0;
}

static bool load_file_into_env(const char *key, const char *path)
{
    static uint8_t buffer[8192];
    FILE *file = fopen(path, "rb");
    size_t length;

    if (file == NULL) {
        return false;
    }
    length = fread(buffer, 1, sizeof(buffer), file);
    (void)fclose(file);
    return length > 0 && length < sizeof(buffer) && paltest_env_set(key, buffer, length);
}

static int load_pki(const char *dir)
{
    char path[1024];
    char key[64];
    size_t i;

    for (i = 0; i < sizeof(g_pki_objects) / sizeof(g_pki_objects[0]); i++) {
        (void)snprintf(path, sizeof(path), "%s/%s", dir, g_pki_objects[i][1]);
        (void)snprintf(key, sizeof(key), "pki.%s", g_pki_objects[i][0]);
        if (!load_file_into_env(key, path)) {
            fprintf(stderr, "paltls_native_tests: cannot load %s (generate the PKI: tests/pki/gen-pki.sh %s)\n",
                    path, dir);
            return -1;
        }
    }
    return 0;
}

static bool record_ready_line(const char *line)
{
    char profile[32];
    char key[64];
    char port_text[8];
    unsigned port = 0;

    if (sscanf(line, "READY %31s %u", profile, &port) != 2 || port == 0 || port > 65535) {
        return false;
    }
    (void)snprintf(key, sizeof(key), "peer.port.%s", profile);
    (void)snprintf(port_text, sizeof(port_text), "%u", port);
    return paltest_env_set(key, port_text, strlen(port_text));
}

/* The peer's stdin is a pipe we never write: when this process dies, the peer sees EOF and
 * exits, so no peer outlives a crashed test. */
static int start_peer(const char *peer_path, const char *pki_dir)
{
    int out_pipe[2];
    int in_pipe[2];
    char *argv[32];
    char listen_args[sizeof(g_profiles) / sizeof(g_profiles[0])][32];
    size_t argc = 0;
    size_t i;
    FILE *ready;
    char line[256];

    if (pipe(out_pipe) != 0 || pipe(in_pipe) != 0) {
        perror("paltls_native_tests: pipe");
        return -1;
    }
    argv[argc++] = (char *)peer_path;
    argv[argc++] = "--pki";
    argv[argc++] = (char *)pki_dir;
    argv[argc++] = "--exit-on-stdin-eof";
    for (i = 0; i < sizeof(g_profiles) / sizeof(g_profiles[0]); i++) {
        (void)snprintf(listen_args[i], sizeof(listen_args[i]), "%s=0", g_profiles[i]);
        argv[argc++] = "--listen";
        argv[argc++] = listen_args[i];
    }
    argv[argc] = NULL;

    g_peer_pid = fork();
    if (g_peer_pid < 0) {
        perror("paltls_native_tests: fork");
        return -1;
    }
    if (g_peer_pid == 0) {
        (void)dup2(in_pipe[0], STDIN_FILENO);
        (void)dup2(out_pipe[1], STDOUT_FILENO);
        (void)close(in_pipe[1]);
        (void)close(out_pipe[0]);
        execv(peer_path, argv);
        fprintf(stderr, "paltls_native_tests: cannot run peer %s: %s\n", peer_path, strerror(errno));
        _exit(127);
    }
    (void)close(in_pipe[0]);
    (void)close(out_pipe[1]);
    ready = fdopen(out_pipe[0], "r");
    if (ready == NULL) {
        return -1;
    }
    while (fgets(line, sizeof(line), ready) != NULL) {
        if (strncmp(line, "READY all", 9) == 0) {
            return paltest_env_set("peer.host", "127.0.0.1", 9) ? 0 : -1;
        }
        if (!record_ready_line(line)) {
            fprintf(stderr, "paltls_native_tests: unexpected peer output: %s", line);
        }
    }
    fprintf(stderr, "paltls_native_tests: peer %s exited before it was ready\n", peer_path);
    return -1;
}

static void stop_peer(void)
{
    int status;

    if (g_peer_pid > 0) {
        (void)kill(g_peer_pid, SIGTERM);
        (void)waitpid(g_peer_pid, &status, 0);
        g_peer_pid = -1;
    }
}

static bool selected(const options_t *opts, const char *name)
{
    size_t i;

    if (opts->pattern_count == 0) {
        return true;
    }
    for (i = 0; i < opts->pattern_count; i++) {
        if (fnmatch(opts->patterns[i], name, 0) == 0) {
            return true;
        }
    }
    return false;
}

static double elapsed_ms(const struct timespec *start)
{
    struct timespec now;

    (void)clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) * 1000.0 + (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

static const char *status_word(paltest_status_t status)
{
    switch (status) {
    case PALTEST_PASSED:
        return "PASS";
    case PALTEST_FAILED:
        return "FAIL";
    case PALTEST_SKIPPED:
        return "SKIP";
    default:
        return "ERROR";
    }
}

static void list_ctest(const paltest_case_t *cases, size_t count, const options_t *opts, const char *self)
{
    char exe[4096];
    ssize_t length = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    size_t i;

    if (length <= 0) {
        (void)snprintf(exe, sizeof(exe), "%s", self);
    } else {
        exe[length] = '\0';
    }
    for (i = 0; i < count; i++) {
        printf("add_test([=[%s.%s]=] \"%s\" --peer \"%s\" --pki \"%s\" --run [=[%s]=])\n", PALTEST_GROUP,
               cases[i].name, exe, opts->peer_path != NULL ? opts->peer_path : "", opts->pki_dir != NULL ? opts->pki_dir : "",
               cases[i].name);
        printf("set_tests_properties([=[%s.%s]=] PROPERTIES TIMEOUT 180 SKIP_RETURN_CODE %d)\n", PALTEST_GROUP,
               cases[i].name, EXIT_SKIPPED);
    }
}

static int run_selected(const paltest_case_t *cases, size_t count, const options_t *opts)
{
    size_t passed = 0;
    size_t failed = 0;
    size_t skipped = 0;
    size_t i;

    for (i = 0; i < count; i++) {
        paltest_result_t result;
        struct timespec start;
        size_t m;

        if (!selected(opts, cases[i].name)) {
            continue;
        }
        (void)clock_gettime(CLOCK_MONOTONIC, &start);
        paltest_run(&cases[i], &result);
        printf("%s - %s.%s (%.0f ms)%s%s\n", status_word(result.status), PALTEST_GROUP, cases[i].name,
               elapsed_ms(&start), result.message[0] != '\0' ? ": " : "", result.message);
        for (m = 0; m < result.metric_count; m++) {
            printf("  metric %s = %lld\n", result.metrics[m].name, (long long)result.metrics[m].value);
        }
        fflush(stdout);
        if (result.status == PALTEST_PASSED) {
            passed++;
        } else if (result.status == PALTEST_SKIPPED) {
            skipped++;
        } else {
            failed++;
        }
    }
    printf("%zu passed, %zu failed, %zu skipped\n", passed, failed, skipped);
    if (passed + failed + skipped == 0) {
        fprintf(stderr, "paltls_native_tests: no case matches the selection\n");
        return 2;
    }
    if (failed != 0) {
        return 1;
    }
    return passed == 0 ? EXIT_SKIPPED : 0;
}

int main(int argc, char **argv)
{
    options_t opts;
    size_t count = 0;
    const paltest_case_t *cases = paltest_cases(&count);
    char now[32];
    int exit_code;
    size_t i;

    if (parse_options(argc, argv, &opts) != 0) {
        return 2;
    }
    if (opts.list) {
        for (i = 0; i < count; i++) {
            printf("%s.%s\n", PALTEST_GROUP, cases[i].name);
        }
        return 0;
    }
    if (opts.list_ctest) {
        list_ctest(cases, count, &opts, argv[0]);
        return 0;
    }
    (void)signal(SIGPIPE, SIG_IGN);
    (void)snprintf(now, sizeof(now), "%lld", (long long)time(NULL));
    if (!paltest_env_set("host.time", now, strlen(now))) {
        return 2;
    }
    for (i = 0; i < opts.env_count; i++) {
        const char *equals = strchr(opts.env[i], '=');
        char key[PALTEST_ENV_KEY_SIZE];
        size_t key_length = (size_t)(equals - opts.env[i]);

        if (key_length == 0 || key_length >= sizeof(key)) {
            fprintf(stderr, "paltls_native_tests: bad --env key in '%s'\n", opts.env[i]);
            return 2;
        }
        memcpy(key, opts.env[i], key_length);
        key[key_length] = '\0';
        if (!paltest_env_set(key, equals + 1, strlen(equals + 1))) {
            fprintf(stderr, "paltls_native_tests: environment full at '%s'\n", opts.env[i]);
            return 2;
        }
    }
    if (opts.pki_dir != NULL && load_pki(opts.pki_dir) != 0) {
        return 2;
    }
    if (opts.peer_path != NULL && opts.pki_dir != NULL) {
        if (start_peer(opts.peer_path, opts.pki_dir) != 0) {
            stop_peer();
            return 2;
        }
        g_capabilities |= PALTEST_NEEDS_PEER;
    }
    exit_code = run_selected(cases, count, &opts);
    stop_peer();
    return exit_code;
}
