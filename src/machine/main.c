/* relic: parse the options, build the PC, run it, exit with its status.
 * Errors are one line on stderr starting "relic: ", with status 1. */
#include "machine.h"
#include "options.h"
#include "machine/version.h"
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The one static in relic: a signal handler has nowhere else to write.
 * It holds the number of the signal that asked relic to stop, 0 if none;
 * the machine loop reads it through machine->stop_signal. */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static void catch_signals(void)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;      /* no SA_RESTART: a sleep in HLT must end */
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
}

/* Firmware lives beside the binary in a build tree (roms/) and under
 * share/relic in an installed one. */
static void default_dirs(char dirs[2][PATH_MAX], const char *ptrs[3])
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    ptrs[0] = NULL;
    if (n <= 0)
        return;
    exe[n] = '\0';
    const char *dir = dirname(exe);
    snprintf(dirs[0], PATH_MAX, "%s/roms", dir);
    snprintf(dirs[1], PATH_MAX, "%s/../share/relic", dir);
    ptrs[0] = dirs[0];
    ptrs[1] = dirs[1];
    ptrs[2] = NULL;
}

static int act(const struct options *o)
{
    switch (o->action) {
    case OPT_HELP:
        options_print_help(stdout);
        return 1;
    case OPT_VERSION:
        printf("relic version %s\n", RELIC_VERSION);
        return 1;
    case OPT_LOG_HELP:
        options_print_log_help(stdout);
        return 1;
    case OPT_RUN:
        break;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct options opts;
    char err[512];
    if (options_parse(&opts, argc, argv, err, sizeof err) < 0) {
        fprintf(stderr, "relic: %s\n", err);
        return 1;
    }
    if (act(&opts))
        return 0;

    char dirs[2][PATH_MAX];
    const char *extra[3];
    default_dirs(dirs, extra);
    struct machine *m = machine_create(&opts, extra, err, sizeof err);
    if (!m) {
        fprintf(stderr, "relic: %s\n", err);
        return 1;
    }
    m->stop_signal = &stop_signal;
    catch_signals();
    int status = machine_run(m);
    machine_free(m);
    return status;
}
