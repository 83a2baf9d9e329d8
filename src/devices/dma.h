/* The PC/AT DMA controllers: two Intel 8237A, cascaded, plus the page
 * registers (74LS612) that supply address bits 16..23.
 *
 *   DMA1 (channels 0-3, byte transfers)  ports 0x00-0x0f
 *   DMA2 (channels 4-7, word transfers)  ports 0xc0-0xdf (register n at 0xc0 + 2n;
 *                                        the odd ports alias the even ones)
 *   page registers                       ports 0x80-0x8f: ch2 0x81, ch3 0x82, ch1 0x83,
 *                                        ch0 0x87, ch6 0x89, ch7 0x8a, ch5 0x8b, ch4 0x8f;
 *                                        the other eight are plain read/write storage.
 *
 * Port 0x80 is one of those spare page registers, and also where BIOSes write
 * their POST codes: the board may hook it (dma_set_post_hook) to log them.
 *
 * Devices do not model DREQ/DACK cycle by cycle. A device that has data for
 * memory, or wants data from it, calls dma_transfer() with as many bytes as
 * it has (or wants); the channel moves what its programming allows, honouring
 * the mask, the transfer type, increment/decrement, auto-initialisation and
 * terminal count, and dma_terminal_count() tells the device whether TC was
 * reached (the 8237's EOP output, which e.g. ends a floppy READ DATA).
 *
 * Simplifications (documented, not hidden):
 *  - single, block and demand modes move the same bytes here: the device's
 *    request stays asserted for the whole call, so the only difference a
 *    device could see (when the controller lets go of the bus) is invisible.
 *  - cascade mode channels never transfer; the cascade link itself (channel 4
 *    masked blocking channels 0-3) is not modelled, as on QEMU.
 *  - memory-to-memory transfers (command bit 0, channels 0/1) are not done. */
#ifndef RELIC_DMA_H
#define RELIC_DMA_H
#include <stdint.h>
#include <stddef.h>
#include "../mmu/io.h"
#include "../mmu/phys.h"

struct dma_channel {
    uint16_t base_addr, base_count;     /* what the guest programmed (auto-init reloads these) */
    uint16_t cur_addr, cur_count;       /* counting registers; count is "units left - 1" */
    uint8_t mode;                       /* mode register, channel bits cleared */
    uint8_t page;                       /* its page register (A16..A23) */
    uint8_t tc;                         /* the last dma_transfer on it reached terminal count */
};

struct dma_8237 {
    struct dma_channel ch[4];
    uint8_t command;                    /* command register */
    uint8_t status;                     /* bits 0-3 TC reached (clear on read), 4-7 requests */
    uint8_t request;                    /* software requests (request register), bits 0-3 */
    uint8_t mask;                       /* bits 0-3: channel masked */
    uint8_t temp;                       /* temporary register (memory-to-memory only) */
    uint8_t flipflop;                   /* byte pointer flip-flop: 0 = low byte next */
};

struct dma {
    struct dma_8237 ctl[2];             /* [0] = DMA1 (ch 0-3), [1] = DMA2 (ch 4-7) */
    uint8_t page_reg[16];               /* ports 0x80-0x8f as last written */
    struct physmem *pm;
    void (*post_hook)(void *opaque, uint8_t code);
    void *post_opaque;
};

/* Mode register fields. */
enum {
    DMA_MODE_VERIFY = 0x00, DMA_MODE_WRITE = 0x04,   /* write = device -> memory */
    DMA_MODE_READ = 0x08, DMA_MODE_XFER_MASK = 0x0c, /* read = memory -> device */
    DMA_MODE_AUTOINIT = 0x10, DMA_MODE_DECREMENT = 0x20,
    DMA_MODE_DEMAND = 0x00, DMA_MODE_SINGLE = 0x40, DMA_MODE_BLOCK = 0x80,
    DMA_MODE_CASCADE = 0xc0, DMA_MODE_MODE_MASK = 0xc0,
};
/* Command register bits that matter here. */
enum { DMA_CMD_MEM2MEM = 0x01, DMA_CMD_DISABLE = 0x04 };

/* Claims 0x00-0x0f, 0xc0-0xdf and 0x80-0x8f. DMA reaches memory through pm.
 * Returns 0, or -1 if a port is taken. */
int dma_init(struct dma *d, struct iobus *bus, struct physmem *pm);
/* Machine reset: a master clear of both controllers (all channels masked),
 * page registers zero. */
void dma_reset(struct dma *d);
/* Called with every byte written to port 0x80 (after it is stored). */
void dma_set_post_hook(struct dma *d, void (*hook)(void *opaque, uint8_t code), void *opaque);

/* A device on channel 0-7 moves up to len bytes: to_memory=1 takes them
 * from buf into memory, to_memory=0 fills buf from memory. Returns the
 * bytes moved: 0 if the channel is masked, the controller disabled or the
 * channel in cascade mode; fewer than len if terminal count was reached
 * without auto-init (the channel then masks itself, as the 8237 does). With
 * auto-init the channel reloads at TC and carries on. Channels 4-7 move
 * 16-bit words: len is rounded down to even. A verify-mode channel, or one
 * programmed for the other direction, counts and advances but moves no data
 * (buf is left alone / zero-filled for a device read). */
size_t dma_transfer(struct dma *d, int channel, void *buf, size_t len, int to_memory);
/* Whether the last dma_transfer on the channel reached terminal count. */
int dma_terminal_count(const struct dma *d, int channel);
/* Whether the channel would move data now (unmasked, controller enabled,
 * not cascade). */
int dma_channel_ready(const struct dma *d, int channel);
/* Bytes the channel can move before terminal count. */
size_t dma_remaining(const struct dma *d, int channel);

#define DMA_POST_PORT 0x80
#endif
