/* Disk image backends: raw image files, read-write or read-only, with an
 * optional copy-on-write overlay ("-snapshot") that keeps every write in
 * memory so the image file is never written.
 *
 * Errors are returned as one-line strings (no "relic: " prefix, no newline);
 * the caller prints them and exits. */
#ifndef RELIC_DISK_H
#define RELIC_DISK_H
#include <stddef.h>
#include <stdint.h>

enum disk_media { DISK_MEDIA_HD, DISK_MEDIA_CDROM };

#define DISK_SECTOR 512u            /* overlay granule and hard disk sector */
#define DISK_CD_SECTOR 2048u        /* CD-ROM logical block */

struct disk_overlay_slot {
    uint64_t sector;                /* 512-byte sector index */
    uint8_t *data;                  /* NULL: slot empty */
};

struct disk {
    int fd;
    enum disk_media media;
    uint64_t size;                  /* bytes */
    uint32_t block_size;            /* 512 (hard disk) or 2048 (CD) */
    int readonly;                   /* writes refused (CD, or read-only file) */
    int snapshot;                   /* writes go to the overlay */
    /* snapshot overlay: open-addressing hash of changed 512-byte sectors */
    struct disk_overlay_slot *ov;
    size_t ov_cap, ov_used;
    char path[256];
};

/* Opens path. media DISK_MEDIA_CDROM opens read-only with 2048-byte blocks.
 * snapshot: writes go to an in-memory overlay and the file is opened
 * read-only. Returns 0, or -1 with a message in err. */
int disk_open(struct disk *d, const char *path, enum disk_media media, int snapshot,
              char *err, size_t errlen);
void disk_close(struct disk *d);

/* Number of blocks of block_size bytes. */
static inline uint64_t disk_blocks(const struct disk *d)
{
    return d->size / d->block_size;
}

/* Byte-addressed I/O, offsets and lengths multiples of 512.
 * Return 0, or -1 (out of range, host I/O error, write to a read-only disk). */
int disk_read(struct disk *d, uint64_t offset, void *buf, size_t len);
int disk_write(struct disk *d, uint64_t offset, const void *buf, size_t len);
/* Flushes host buffers to the file (no-op with snapshot). 0 or -1. */
int disk_flush(struct disk *d);
#endif
