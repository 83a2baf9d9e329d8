/* System Control Port A (see port92.h). */
#include "port92.h"

enum { P92_RESET = 1, P92_A20 = 2 };

static uint32_t port92_read(void *opaque, uint16_t port, int size)
{
    struct port92 *p = opaque;
    (void)port; (void)size;
    return p->value;
}

static void port92_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    struct port92 *p = opaque;
    uint8_t old = p->value;
    (void)port; (void)size;
    p->value = (uint8_t)val;
    /* Every write drives the gate, like the keyboard controller's A20 output
     * later will: the last one written wins, as on QEMU's PC. */
    phys_set_a20(p->pm, !!(val & P92_A20));
    if ((val & P92_RESET) && !(old & P92_RESET) && p->request_reset)
        p->request_reset(p->opaque);
}

int port92_init(struct port92 *p, struct iobus *bus, struct physmem *pm,
                void (*request_reset)(void *opaque), void *opaque)
{
    p->value = 0;
    p->pm = pm;
    p->request_reset = request_reset;
    p->opaque = opaque;
    return io_register(bus, PORT92_PORT, 1, IO_W8, port92_read, port92_write, p, "port92");
}

void port92_reset(struct port92 *p)
{
    p->value &= (uint8_t)~P92_RESET;
}
