/* Loads the plugin given as argv[1] with dlopen, calls plugin_hold_two_mebibytes (2 MiB held)
 * and is then killed by SIGKILL before the tracker can finalize: the capture must still name
 * the plugin's function, because the module table is rewritten on dlopen, not only at the end. */
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 2) return 2;
    void *plugin = dlopen(argv[1], RTLD_NOW);
    if (!plugin) return 3;
    void *(*hold)(void) = (void *(*)(void))dlsym(plugin, "plugin_hold_two_mebibytes");
    if (!hold || !hold()) return 4;
    kill(getpid(), SIGKILL);
    return 5;
}
