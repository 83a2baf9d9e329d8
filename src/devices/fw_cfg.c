/* QEMU firmware configuration interface (see fw_cfg.h). */
#include "fw_cfg.h"
#include <stdlib.h>
#include <string.h>

static struct fw_cfg_item *item_for(struct fw_cfg *fw, uint16_t key)
{
    unsigned idx = key & 0x3fff;
    if (idx >= FW_CFG_ENTRIES)
        return NULL;
    return &fw->item[(key & FW_CFG_ARCH_LOCAL) ? 1 : 0][idx];
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}
static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int fw_cfg_add_bytes(struct fw_cfg *fw, uint16_t key, const void *data, size_t len)
{
    struct fw_cfg_item *it = item_for(fw, key);
    if (!it || len > UINT32_MAX)
        return -1;
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return -1;
    if (len)
        memcpy(copy, data, len);
    free(it->data);
    it->data = copy;
    it->len = (uint32_t)len;
    return 0;
}

int fw_cfg_add_i16(struct fw_cfg *fw, uint16_t key, uint16_t v)
{
    uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
    return fw_cfg_add_bytes(fw, key, b, 2);
}

int fw_cfg_add_i32(struct fw_cfg *fw, uint16_t key, uint32_t v)
{
    uint8_t b[4];
    for (int i = 0; i < 4; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    return fw_cfg_add_bytes(fw, key, b, 4);
}

int fw_cfg_add_i64(struct fw_cfg *fw, uint16_t key, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    return fw_cfg_add_bytes(fw, key, b, 8);
}

/* The directory: be32 count, then 64-byte entries. */
static int rebuild_dir(struct fw_cfg *fw)
{
    size_t len = 4 + 64 * (size_t)fw->nfiles;
    uint8_t *d = calloc(1, len);
    if (!d)
        return -1;
    put_be32(d, (uint32_t)fw->nfiles);
    for (int i = 0; i < fw->nfiles; i++) {
        uint8_t *e = d + 4 + 64 * i;
        uint16_t key = (uint16_t)(FW_CFG_FILE_FIRST + i);
        put_be32(e, item_for(fw, key)->len);
        e[4] = (uint8_t)(key >> 8);
        e[5] = (uint8_t)key;
        memcpy(e + 8, fw->file_name[i], FW_CFG_MAX_NAME);
    }
    int rc = fw_cfg_add_bytes(fw, FW_CFG_FILE_DIR, d, len);
    free(d);
    return rc;
}

int fw_cfg_add_file(struct fw_cfg *fw, const char *name, const void *data, size_t len)
{
    size_t n = strlen(name);
    if (n == 0 || n >= FW_CFG_MAX_NAME)
        return -1;
    int i;
    for (i = 0; i < fw->nfiles; i++)
        if (!strcmp(fw->file_name[i], name))
            break;
    if (i == FW_CFG_MAX_FILES)
        return -1;
    uint16_t key = (uint16_t)(FW_CFG_FILE_FIRST + i);
    if (fw_cfg_add_bytes(fw, key, data, len) < 0)
        return -1;
    if (i == fw->nfiles) {
        memset(fw->file_name[i], 0, FW_CFG_MAX_NAME);
        memcpy(fw->file_name[i], name, n);
        fw->nfiles++;
    }
    return rebuild_dir(fw) < 0 ? -1 : key;
}

static void select_key(struct fw_cfg *fw, uint16_t key)
{
    fw->cur_key = key;
    fw->cur_off = 0;
}

static uint8_t next_byte(struct fw_cfg *fw)
{
    struct fw_cfg_item *it = item_for(fw, fw->cur_key);
    if (!it || !it->data || fw->cur_off >= it->len)
        return 0;
    return it->data[fw->cur_off++];
}

static uint32_t port_read(void *opaque, uint16_t port, int size)
{
    struct fw_cfg *fw = opaque;
    if (port == FW_CFG_PORT_SEL)
        return 0;                  /* the selector is write only */
    uint32_t v = 0;
    for (int i = 0; i < size; i++)
        v |= (uint32_t)next_byte(fw) << (8 * i);
    return v;
}

static void port_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    struct fw_cfg *fw = opaque;
    (void)size;
    if (port == FW_CFG_PORT_SEL)
        select_key(fw, (uint16_t)val);
    /* writes to the data port are ignored (no writable items) */
}

/* Runs one DMA descriptor at guest-physical address a. */
static void dma_run(struct fw_cfg *fw, uint64_t a)
{
    uint8_t desc[16];
    if (a > 0xffffffffu - 16)
        return;
    uint32_t da = (uint32_t)a;
    phys_read_buf(fw->pm, da, desc, sizeof desc);
    uint32_t control = get_be32(desc), length = get_be32(desc + 4);
    uint64_t addr = (uint64_t)get_be32(desc + 8) << 32 | get_be32(desc + 12);
    if (control & FW_CFG_DMA_SELECT)
        select_key(fw, (uint16_t)(control >> 16));
    uint32_t status = 0;
    if (control & FW_CFG_DMA_WRITE) {
        status = FW_CFG_DMA_ERROR;
    } else if (control & (FW_CFG_DMA_READ | FW_CFG_DMA_SKIP)) {
        struct fw_cfg_item *it = item_for(fw, fw->cur_key);
        uint32_t avail = it && it->data && fw->cur_off < it->len ? it->len - fw->cur_off : 0;
        uint32_t n = length < avail ? length : avail;
        if (control & FW_CFG_DMA_READ) {
            if (addr + length > 0x100000000ull) {
                status = FW_CFG_DMA_ERROR;
            } else {
                if (n)
                    phys_write_buf(fw->pm, (uint32_t)addr, it->data + fw->cur_off, n);
                /* past the end of the item the guest gets zeros */
                static const uint8_t zeros[256];
                for (uint32_t z = n; z < length; ) {
                    uint32_t k = length - z < sizeof zeros ? length - z : (uint32_t)sizeof zeros;
                    phys_write_buf(fw->pm, (uint32_t)addr + z, zeros, k);
                    z += k;
                }
            }
        }
        fw->cur_off += n;
    }
    uint8_t c[4];
    put_be32(c, status);
    phys_write_buf(fw->pm, da, c, 4);
}

static const char dma_signature[8] = { 'Q', 'E', 'M', 'U', ' ', 'C', 'F', 'G' };

static uint32_t dma_read(void *opaque, uint16_t port, int size)
{
    (void)opaque;
    unsigned off = port - FW_CFG_PORT_DMA;
    uint32_t v = 0;
    for (int i = 0; i < size; i++)
        v |= (uint32_t)(uint8_t)dma_signature[(off + i) & 7] << (8 * i);
    return v;
}

static uint32_t bswap32(uint32_t v)
{
    return v >> 24 | (v >> 8 & 0xff00) | (v << 8 & 0xff0000) | v << 24;
}

static void dma_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    struct fw_cfg *fw = opaque;
    if (size != 4)
        return;
    if (port == FW_CFG_PORT_DMA) {
        fw->dma_addr_high = bswap32(val);
    } else if (port == FW_CFG_PORT_DMA + 4) {
        uint64_t a = (uint64_t)fw->dma_addr_high << 32 | bswap32(val);
        fw->dma_addr_high = 0;
        dma_run(fw, a);
    }
}

int fw_cfg_init(struct fw_cfg *fw, struct iobus *io, struct physmem *pm)
{
    memset(fw, 0, sizeof *fw);
    fw->pm = pm;
    if (fw_cfg_add_bytes(fw, FW_CFG_SIGNATURE, "QEMU", 4) < 0 ||
        fw_cfg_add_i32(fw, FW_CFG_ID, FW_CFG_VERSION | FW_CFG_VERSION_DMA) < 0 ||
        rebuild_dir(fw) < 0)
        goto fail;
    if (io_register(io, FW_CFG_PORT_SEL, 2, IO_W8 | IO_W16, port_read, port_write, fw, "fw_cfg") < 0 ||
        io_register(io, FW_CFG_PORT_DMA, 8, IO_W8 | IO_W16 | IO_W32, dma_read, dma_write, fw, "fw_cfg-dma") < 0)
        goto fail;
    return 0;
fail:
    fw_cfg_free(fw);
    return -1;
}

void fw_cfg_reset(struct fw_cfg *fw)
{
    select_key(fw, FW_CFG_SIGNATURE);
    fw->dma_addr_high = 0;
}

void fw_cfg_free(struct fw_cfg *fw)
{
    for (int a = 0; a < 2; a++)
        for (int i = 0; i < FW_CFG_ENTRIES; i++) {
            free(fw->item[a][i].data);
            fw->item[a][i].data = NULL;
        }
}
