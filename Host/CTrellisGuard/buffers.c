/* Buffers the guard lends to plugins, and sealed copies of plugin libraries (see CTrellisGuard.h). */
#define _GNU_SOURCE
#include "guard_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* ---- buffers lent to plugins ------------------------------------------------------------------ */

static size_t page_size(void) {
    long size = sysconf(_SC_PAGESIZE);
    return size > 0 ? (size_t)size : 4096;
}

static size_t usable_size(size_t capacity) {
    size_t page = page_size();
    return (capacity + TRELLIS_GUARD_CANARY + page - 1) / page * page;
}

char *trellis_guard_buffer_new(size_t capacity) {
    size_t usable = usable_size(capacity);
    char *memory = mmap(NULL, usable + page_size(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) return NULL;
    if (mprotect(memory + usable, page_size(), PROT_NONE) != 0) {
        munmap(memory, usable + page_size());
        return NULL;
    }
    memset(memory, 0, capacity);
    memset(memory + capacity, 0xA5, usable - capacity);
    return memory;
}

int trellis_guard_buffer_intact(const char *buffer, size_t capacity) {
    size_t usable = usable_size(capacity);
    for (size_t i = capacity; i < usable; i++) {
        if ((unsigned char)buffer[i] != 0xA5) return 0;
    }
    return 1;
}

void trellis_guard_buffer_free(char *buffer, size_t capacity) {
    if (buffer != NULL) munmap(buffer, usable_size(capacity) + page_size());
}

/* ---- sealed copies of plugin libraries -------------------------------------------------------- */

int trellis_guard_sealed_copy(int fd) {
    int copy = memfd_create("trellis-plugin", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (copy < 0) return -1;
    char buffer[1 << 16];
    off_t offset = 0;
    for (;;) {
        ssize_t count = pread(fd, buffer, sizeof buffer, offset);
        if (count < 0 && errno == EINTR) continue;
        if (count < 0) {
            close(copy);
            return -1;
        }
        if (count == 0) break;
        for (ssize_t done = 0; done < count;) {
            ssize_t written = write(copy, buffer + done, (size_t)(count - done));
            if (written < 0 && errno == EINTR) continue;
            if (written <= 0) {
                close(copy);
                return -1;
            }
            done += written;
        }
        offset += count;
    }
    if (fcntl(copy, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
        close(copy);
        return -1;
    }
    return copy;
}
