/* Kept out of the header: _GNU_SOURCE there would change glibc's declarations (fd_set) inside the
 * Swift module and clash with the same types as Foundation sees them. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <stddef.h>

#include "shim.h"

const char *trellis_library_file(void *handle) {
    struct link_map *map = NULL;
    if (dlinfo(handle, RTLD_DI_LINKMAP, &map) != 0 || map == NULL) return NULL;
    return map->l_name;
}
