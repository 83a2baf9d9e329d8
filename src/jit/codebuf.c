/* Code buffer (see codebuf.h): a memfd mapped twice. */
#include "codebuf.h"
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

int codebuf_init(struct codebuf *cb, size_t size)
{
    *cb = (struct codebuf){ .rw = NULL, .rx = NULL, .size = size, .used = 0, .released = 0, .gen = 1 };
    int fd = memfd_create("relic-jit", MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    int ok = ftruncate(fd, (off_t)size) == 0;
    void *rw = ok ? mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) : MAP_FAILED;
    void *rx = rw != MAP_FAILED ? mmap(NULL, size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0) : MAP_FAILED;
    int saved = errno;
    close(fd);
    if (rx == MAP_FAILED) {
        if (rw != MAP_FAILED)
            munmap(rw, size);
        errno = saved;
        return -1;
    }
    cb->rw = rw;
    cb->rx = rx;
    return 0;
}

void codebuf_free(struct codebuf *cb)
{
    if (cb->rw) munmap(cb->rw, cb->size);
    if (cb->rx) munmap(cb->rx, cb->size);
    cb->rw = cb->rx = NULL;
}

void codebuf_flush(struct codebuf *cb)
{
    cb->used = 0;
    cb->released = 0;
    cb->gen++;
}

void codebuf_release(struct codebuf *cb)
{
    size_t upto = cb->used & ~(size_t)((1u << 20) - 1);
    if (upto <= cb->released)
        return;
    /* on a shared mapping this unmaps the pages; the memfd keeps their bytes */
    madvise(cb->rw + cb->released, upto - cb->released, MADV_DONTNEED);
    cb->released = upto;
}
