/* 16550A UART (see uart.h). Register behaviour follows the NS PC16550D
 * datasheet; where QEMU and the datasheet differ, the datasheet wins and the
 * comment says so. */
#include "uart.h"
#include <string.h>

#define LSR_ERRORS (LSR_OE | LSR_PE | LSR_FE | LSR_BI)

static const uint8_t rx_trigger_level[4] = { 1, 4, 8, 14 };

/* ---- receive FIFO ---- */

static int fifo_mode(const struct uart *u) { return u->fcr & FCR_ENABLE; }
static int rx_capacity(const struct uart *u) { return fifo_mode(u) ? UART_FIFO_SIZE : 1; }

static void rx_clear(struct uart *u)
{
    u->rx.head = u->rx.count = 0;
}

static uint8_t rx_pop(struct uart *u)
{
    uint8_t b = u->rx.data[u->rx.head];
    u->rx.head = (uint8_t)((u->rx.head + 1) % UART_FIFO_SIZE);
    u->rx.count--;
    return b;
}

static int rx_at_trigger(const struct uart *u)
{
    if (!fifo_mode(u))
        return u->rx.count > 0;
    return u->rx.count >= rx_trigger_level[u->fcr >> 6];
}

/* ---- timing: only the character timeout needs it ---- */

/* Four character times: start bit, data, parity and stop bits, each 16
 * clocks of the divided crystal. One division keeps the full precision. */
static uint64_t four_chars_ns(const struct uart *u)
{
    unsigned data = 5 + (u->lcr & 3), parity = (u->lcr >> 3) & 1, stop = (u->lcr & 4) ? 2 : 1;
    uint64_t divisor = u->divisor ? u->divisor : 65536;   /* the counter wraps: 0 is 65536 */
    return 4 * divisor * 16 * (1 + data + parity + stop) * 1000000000ull / UART_CLOCK_HZ;
}

/* The timeout fires four character times after the last byte in or out of
 * the receive FIFO, if bytes are still waiting there. */
static void restart_timeout(struct uart *u)
{
    if (fifo_mode(u) && u->rx.count)
        timer_mod(&u->timeout, vclock_now(u->timeout.clock) + four_chars_ns(u));
    else
        timer_del(&u->timeout);
}

/* ---- interrupts ---- */

/* The highest-priority pending source, as IIR bits 0..3. QEMU's order is
 * kept for the two second-level sources (timeout before data available),
 * which the datasheet ranks equal. */
static uint8_t interrupt_id(const struct uart *u)
{
    if ((u->ier & IER_RLS) && (u->lsr & LSR_ERRORS))
        return IIR_RLS;
    if ((u->ier & IER_RDA) && u->timeout_ipending)
        return IIR_CTI;
    if ((u->ier & IER_RDA) && rx_at_trigger(u))
        return IIR_RDA;
    if ((u->ier & IER_THRE) && u->thr_ipending)
        return IIR_THRE;
    if ((u->ier & IER_MS) && (u->msr & 0x0f))
        return IIR_MS;
    return IIR_NONE;
}

static void update_irq(struct uart *u)
{
    /* PC boards route the interrupt through the OUT2 pin, and loopback
     * forces the modem output pins inactive: the line stays low then. */
    int wired = (u->mcr & (MCR_OUT2 | MCR_LOOP)) == MCR_OUT2;
    int level = wired && interrupt_id(u) != IIR_NONE;
    if (level != u->irq_level) {
        u->irq_level = level;
        if (u->set_irq)
            u->set_irq(u->irq_opaque, level);
    }
}

static void timeout_expired(void *opaque)
{
    struct uart *u = opaque;
    if (fifo_mode(u) && u->rx.count) {
        u->timeout_ipending = 1;
        update_irq(u);
    }
}

/* ---- modem status ---- */

static uint8_t modem_inputs(const struct uart *u)
{
    if (!(u->mcr & MCR_LOOP))
        return u->ext_msr;
    /* Loopback wires RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD. */
    return (uint8_t)(((u->mcr & MCR_RTS) ? MSR_CTS : 0) | ((u->mcr & MCR_DTR) ? MSR_DSR : 0) |
                     ((u->mcr & MCR_OUT1) ? MSR_RI : 0) | ((u->mcr & MCR_OUT2) ? MSR_DCD : 0));
}

/* Samples the inputs and latches the delta bits. Loopback changes count as
 * input changes, as the datasheet says (QEMU reports no deltas there). */
static void update_modem_status(struct uart *u)
{
    uint8_t old = u->msr & 0xf0, now = modem_inputs(u);
    uint8_t delta = (uint8_t)(((old ^ now) >> 4) & (MSR_DCTS | MSR_DDSR | MSR_DDCD));
    if ((old & MSR_RI) && !(now & MSR_RI))
        delta |= MSR_TERI;                  /* trailing edge only */
    u->msr = (uint8_t)(now | (u->msr & 0x0f) | delta);
}

/* ---- data paths ---- */

static void rx_byte(struct uart *u, uint8_t b)
{
    if (u->rx.count < rx_capacity(u)) {
        u->rx.data[(u->rx.head + u->rx.count) % UART_FIFO_SIZE] = b;
        u->rx.count++;
    } else {
        /* A full FIFO keeps its bytes and loses the new one; the 16450
         * holding register is simply overwritten. */
        if (!fifo_mode(u))
            u->rx.data[u->rx.head] = b;
        u->lsr |= LSR_OE;
    }
    restart_timeout(u);
    update_irq(u);
}

static void transmit(struct uart *u, uint8_t b)
{
    /* Writing THR acknowledges THRE; the byte leaves at once and THR is
     * empty again. Updating the line in between gives an edge-triggered PIC
     * the fresh edge a real UART would. */
    u->thr_ipending = 0;
    update_irq(u);
    if (u->mcr & MCR_LOOP)
        rx_byte(u, b);
    else if (u->tx_byte)
        u->tx_byte(u->tx_opaque, b);
    u->thr_ipending = 1;
    update_irq(u);
}

/* ---- registers: one reader and one writer each, chosen by DLAB ---- */

static uint8_t rd_rbr(struct uart *u)
{
    if (!u->rx.count)
        return u->rx.data[(u->rx.head + UART_FIFO_SIZE - 1) % UART_FIFO_SIZE];
    uint8_t b = rx_pop(u);
    u->timeout_ipending = 0;
    restart_timeout(u);
    update_irq(u);
    return b;
}

static uint8_t rd_ier(struct uart *u) { return u->ier; }

static uint8_t rd_iir(struct uart *u)
{
    uint8_t id = interrupt_id(u);
    if (id == IIR_THRE) {
        u->thr_ipending = 0;                /* reading IIR acknowledges THRE */
        update_irq(u);
    }
    return (uint8_t)(id | (fifo_mode(u) ? IIR_FIFO : 0));
}

static uint8_t rd_lcr(struct uart *u) { return u->lcr; }
static uint8_t rd_mcr(struct uart *u) { return u->mcr; }

static uint8_t rd_lsr(struct uart *u)
{
    /* The transmitter is always empty: see uart.h. */
    uint8_t v = (uint8_t)(u->lsr | LSR_THRE | LSR_TEMT | (u->rx.count ? LSR_DR : 0));
    if (u->lsr & LSR_ERRORS) {
        u->lsr &= (uint8_t)~LSR_ERRORS;
        update_irq(u);
    }
    return v;
}

static uint8_t rd_msr(struct uart *u)
{
    uint8_t v = u->msr;
    if (v & 0x0f) {
        u->msr &= 0xf0;
        update_irq(u);
    }
    return v;
}

static uint8_t rd_scr(struct uart *u) { return u->scr; }
static uint8_t rd_dll(struct uart *u) { return u->divisor & 0xff; }
static uint8_t rd_dlm(struct uart *u) { return u->divisor >> 8; }

static void wr_thr(struct uart *u, uint8_t v) { transmit(u, v); }

static void wr_ier(struct uart *u, uint8_t v)
{
    uint8_t changed = (u->ier ^ v) & 0x0f;
    u->ier = v & 0x0f;
    /* Enabling ETBEI while THR is empty raises THRE even if it was
     * acknowledged before; drivers (Windows, Linux's THRE test) expect it. */
    if (changed & IER_THRE)
        u->thr_ipending = !!(v & IER_THRE);
    update_irq(u);
}

static void wr_fcr(struct uart *u, uint8_t v)
{
    /* Switching the FIFOs on or off empties them. */
    if ((v ^ u->fcr) & FCR_ENABLE)
        v |= FCR_CLEAR_RX | FCR_CLEAR_TX;
    if (v & FCR_CLEAR_RX) {
        rx_clear(u);
        u->timeout_ipending = 0;
        timer_del(&u->timeout);
    }
    /* The other bits are only taken when FCR0 is written as 1 with them. */
    u->fcr = (v & FCR_ENABLE) ? (v & (FCR_ENABLE | FCR_DMA | FCR_TRIGGER)) : 0;
    update_irq(u);
}

static void wr_lcr(struct uart *u, uint8_t v) { u->lcr = v; }

static void wr_mcr(struct uart *u, uint8_t v)
{
    u->mcr = v & 0x1f;
    update_modem_status(u);
    update_irq(u);
}

static void wr_ignore(struct uart *u, uint8_t v) { (void)u; (void)v; }   /* LSR, MSR: factory test only */
static void wr_scr(struct uart *u, uint8_t v) { u->scr = v; }
static void wr_dll(struct uart *u, uint8_t v) { u->divisor = (uint16_t)((u->divisor & 0xff00) | v); }
static void wr_dlm(struct uart *u, uint8_t v) { u->divisor = (uint16_t)((u->divisor & 0x00ff) | v << 8); }

struct uart_reg {
    uint8_t (*rd)(struct uart *u);
    void (*wr)(struct uart *u, uint8_t v);
};

static const struct uart_reg uart_regs[2][8] = {
    {   /* DLAB = 0 */
        { rd_rbr, wr_thr }, { rd_ier, wr_ier }, { rd_iir, wr_fcr }, { rd_lcr, wr_lcr },
        { rd_mcr, wr_mcr }, { rd_lsr, wr_ignore }, { rd_msr, wr_ignore }, { rd_scr, wr_scr },
    },
    {   /* DLAB = 1: the divisor latch covers offsets 0 and 1 */
        { rd_dll, wr_dll }, { rd_dlm, wr_dlm }, { rd_iir, wr_fcr }, { rd_lcr, wr_lcr },
        { rd_mcr, wr_mcr }, { rd_lsr, wr_ignore }, { rd_msr, wr_ignore }, { rd_scr, wr_scr },
    },
};

static const struct uart_reg *reg_for(const struct uart *u, uint16_t port)
{
    return &uart_regs[u->lcr >> 7][(port - u->base) & 7];
}

static uint32_t uart_io_read(void *opaque, uint16_t port, int size)
{
    struct uart *u = opaque;
    (void)size;
    return reg_for(u, port)->rd(u);
}

static void uart_io_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    struct uart *u = opaque;
    (void)size;
    reg_for(u, port)->wr(u, (uint8_t)val);
}

/* ---- outside world ---- */

int uart_can_receive(const struct uart *u)
{
    if (u->mcr & MCR_LOOP)
        return 0;
    return rx_capacity(u) - u->rx.count;
}

void uart_receive(struct uart *u, uint8_t byte)
{
    if (!(u->mcr & MCR_LOOP))
        rx_byte(u, byte);
}

void uart_set_modem_inputs(struct uart *u, uint8_t msr_bits)
{
    u->ext_msr = msr_bits & 0xf0;
    update_modem_status(u);
    update_irq(u);
}

void uart_reset(struct uart *u)
{
    u->ier = u->lcr = u->mcr = u->lsr = u->fcr = u->scr = 0;
    u->divisor = 12;                        /* 9600 baud; the datasheet leaves it undefined */
    rx_clear(u);
    memset(u->rx.data, 0, sizeof u->rx.data);
    u->thr_ipending = u->timeout_ipending = 0;
    timer_del(&u->timeout);
    u->msr = modem_inputs(u);               /* no deltas after reset */
    update_irq(u);
}

void uart_set_backend(struct uart *u, void (*tx_byte)(void *, uint8_t), void *opaque)
{
    u->tx_byte = tx_byte;
    u->tx_opaque = opaque;
}

void uart_set_irq_handler(struct uart *u, void (*set_irq)(void *, int), void *opaque)
{
    u->set_irq = set_irq;
    u->irq_opaque = opaque;
}

int uart_init(struct uart *u, struct iobus *bus, uint16_t base, const char *name,
              struct vclock *clock)
{
    memset(u, 0, sizeof *u);
    u->base = base;
    u->name = name;
    u->ext_msr = MSR_CTS | MSR_DSR | MSR_DCD;
    timer_init(&u->timeout, clock, timeout_expired, u);
    uart_reset(u);
    return io_register(bus, base, 8, IO_W8, uart_io_read, uart_io_write, u, name);
}
