/* Device unit tests: each device is driven through the port bus the way a
 * guest driver would (io_out/io_in), with a manual virtual clock so timing
 * is exact. Prints one line per failed check and a final "N passed, N failed". */
#include "machine/timer.h"
#include "devices/debugcon.h"
#include "devices/debugexit.h"
#include "devices/port92.h"
#include "devices/uart.h"
#include "mmu/io.h"
#include "mmu/phys.h"
#include "ui/ui.h"
#include <stdio.h>
#include <string.h>

#include "check.h"

/* ---- UART ---------------------------------------------------------------- */

#define COM 0x3f8

struct uart_rig {
    struct iobus bus;
    struct vclock clock;
    struct uart u;
    uint8_t out[64];                /* what reached the backend */
    int nout;
    int irq, irq_changes;
};

static void rig_tx(void *opaque, uint8_t b)
{
    struct uart_rig *r = opaque;
    if (r->nout < (int)sizeof r->out)
        r->out[r->nout++] = b;
}

static void rig_irq(void *opaque, int level)
{
    struct uart_rig *r = opaque;
    r->irq = level;
    r->irq_changes++;
}

static void rig_init(struct uart_rig *r)
{
    memset(r, 0, sizeof *r);
    io_init(&r->bus);
    vclock_init(&r->clock, VCLOCK_MANUAL);
    CHECK_EQ(uart_init(&r->u, &r->bus, COM, "COM1", &r->clock), 0);
    uart_set_backend(&r->u, rig_tx, r);
    uart_set_irq_handler(&r->u, rig_irq, r);
}

static void rig_free(struct uart_rig *r)
{
    timer_del(&r->u.timeout);
    io_free(&r->bus);
}

static uint8_t rd(struct uart_rig *r, int reg) { return (uint8_t)io_in(&r->bus, (uint16_t)(COM + reg), 1); }
static void wr(struct uart_rig *r, int reg, uint8_t v) { io_out(&r->bus, (uint16_t)(COM + reg), v, 1); }

static void test_uart_registers(void)
{
    struct uart_rig r;
    rig_init(&r);
    /* datasheet reset values; MSR shows the idle backend's CTS, DSR, DCD */
    CHECK_EQ(rd(&r, UART_IER), 0x00);
    CHECK_EQ(rd(&r, UART_IIR), 0x01);
    CHECK_EQ(rd(&r, UART_LCR), 0x00);
    CHECK_EQ(rd(&r, UART_MCR), 0x00);
    CHECK_EQ(rd(&r, UART_LSR), 0x60);
    CHECK_EQ(rd(&r, UART_MSR), 0xb0);

    wr(&r, UART_SCR, 0x5a);
    CHECK_EQ(rd(&r, UART_SCR), 0x5a);

    wr(&r, UART_LCR, 0x83);
    wr(&r, UART_DLL, 0x34);
    wr(&r, UART_DLM, 0x12);
    CHECK_EQ(rd(&r, UART_DLL), 0x34);
    CHECK_EQ(rd(&r, UART_DLM), 0x12);
    CHECK_EQ(r.u.divisor, 0x1234);
    wr(&r, UART_LCR, 0x03);
    CHECK_EQ(rd(&r, UART_IER), 0x00);           /* DLAB off: IER again */
    CHECK_EQ(r.nout, 0);                        /* the DLL write sent nothing */

    wr(&r, UART_IER, 0xff);
    CHECK_EQ(rd(&r, UART_IER), 0x0f);
    wr(&r, UART_IER, 0);
    wr(&r, UART_MCR, 0xff);
    CHECK_EQ(rd(&r, UART_MCR), 0x1f);
    wr(&r, UART_MCR, 0);

    /* a 16-bit read is split into two byte reads, low port first */
    wr(&r, UART_SCR, 0x77);
    CHECK_EQ(io_in(&r.bus, COM + UART_MCR, 2), 0x6000);   /* MCR=0, LSR=0x60 */
    rig_free(&r);
}

static void test_uart_transmit(void)
{
    struct uart_rig r;
    rig_init(&r);
    wr(&r, UART_THR, 'h');
    wr(&r, UART_THR, 'i');
    CHECK_EQ(r.nout, 2);
    CHECK(r.out[0] == 'h' && r.out[1] == 'i');
    CHECK_EQ(rd(&r, UART_LSR) & 0x60, 0x60);    /* transmission is instant */
    CHECK_EQ(rd(&r, UART_LSR) & LSR_DR, 0);     /* nothing looped back */
    rig_free(&r);
}

static void test_uart_loopback_16450(void)
{
    struct uart_rig r;
    rig_init(&r);
    wr(&r, UART_MCR, MCR_LOOP);
    wr(&r, UART_THR, 'A');
    CHECK_EQ(r.nout, 0);                        /* loopback keeps it off the wire */
    CHECK_EQ(rd(&r, UART_LSR), 0x61);
    CHECK_EQ(rd(&r, UART_RBR), 'A');
    CHECK_EQ(rd(&r, UART_LSR), 0x60);
    CHECK_EQ(rd(&r, UART_RBR), 'A');            /* RBR holds its last byte */

    wr(&r, UART_THR, 'B');
    wr(&r, UART_THR, 'C');                      /* overrun: replaces B */
    CHECK_EQ(rd(&r, UART_LSR), 0x63);
    CHECK_EQ(rd(&r, UART_LSR), 0x61);           /* OE clears on read */
    CHECK_EQ(rd(&r, UART_RBR), 'C');

    /* input from outside is ignored in loopback */
    CHECK_EQ(uart_can_receive(&r.u), 0);
    uart_receive(&r.u, 'x');
    CHECK_EQ(rd(&r, UART_LSR) & LSR_DR, 0);
    wr(&r, UART_MCR, 0);
    CHECK_EQ(uart_can_receive(&r.u), 1);
    uart_receive(&r.u, 'x');
    CHECK_EQ(uart_can_receive(&r.u), 0);
    CHECK_EQ(rd(&r, UART_RBR), 'x');
    rig_free(&r);
}

static void test_uart_fifo(void)
{
    struct uart_rig r;
    rig_init(&r);
    wr(&r, UART_MCR, MCR_LOOP);
    wr(&r, UART_FCR, 0x07);
    CHECK_EQ(rd(&r, UART_IIR) & 0xc0, 0xc0);
    for (int i = 0; i < 16; i++)
        wr(&r, UART_THR, (uint8_t)(0x30 + i));
    CHECK_EQ(rd(&r, UART_LSR) & 0x03, 0x01);
    wr(&r, UART_THR, 0x99);                     /* the 17th is lost */
    CHECK_EQ(rd(&r, UART_LSR) & 0x03, 0x03);
    int inorder = 1;
    for (int i = 0; i < 16; i++)
        inorder &= rd(&r, UART_RBR) == 0x30 + i;
    CHECK(inorder);
    CHECK_EQ(rd(&r, UART_LSR) & LSR_DR, 0);

    wr(&r, UART_THR, 1);
    wr(&r, UART_FCR, 0x03);                     /* clear RX only: still enabled */
    CHECK_EQ(rd(&r, UART_LSR) & LSR_DR, 0);
    CHECK_EQ(rd(&r, UART_IIR) & 0xc0, 0xc0);
    wr(&r, UART_THR, 2);
    wr(&r, UART_FCR, 0x00);                     /* disabling flushes too */
    CHECK_EQ(rd(&r, UART_IIR) & 0xc0, 0x00);
    CHECK_EQ(rd(&r, UART_LSR) & LSR_DR, 0);
    wr(&r, UART_FCR, 0xc6);                     /* FCR0 clear: other bits ignored */
    CHECK_EQ(r.u.fcr, 0);

    wr(&r, UART_MCR, 0);
    wr(&r, UART_FCR, 0x01);
    CHECK_EQ(uart_can_receive(&r.u), 16);
    uart_receive(&r.u, 'a');
    CHECK_EQ(uart_can_receive(&r.u), 15);
    rig_free(&r);
}

static void test_uart_iir(void)
{
    struct uart_rig r;
    rig_init(&r);
    wr(&r, UART_MCR, MCR_LOOP);
    wr(&r, UART_FCR, 0x07);
    wr(&r, UART_IER, IER_THRE);
    CHECK_EQ(rd(&r, UART_IIR), 0xc2);
    CHECK_EQ(rd(&r, UART_IIR), 0xc1);           /* the read acknowledged THRE */
    wr(&r, UART_THR, 'x');
    CHECK_EQ(rd(&r, UART_IIR), 0xc2);           /* empty again after the write */
    wr(&r, UART_IER, IER_THRE | IER_RDA);       /* no edge on ETBEI: no new THRE */
    CHECK_EQ(rd(&r, UART_IIR), 0xc4);
    CHECK_EQ(rd(&r, UART_IIR), 0xc4);           /* data stays until read */
    CHECK_EQ(rd(&r, UART_RBR), 'x');
    CHECK_EQ(rd(&r, UART_IIR), 0xc1);
    wr(&r, UART_IER, IER_RDA);
    wr(&r, UART_IER, IER_RDA | IER_THRE);       /* the rising edge re-arms THRE */
    CHECK_EQ(rd(&r, UART_IIR), 0xc2);

    wr(&r, UART_IER, IER_RLS | IER_RDA);
    for (int i = 0; i < 17; i++)
        wr(&r, UART_THR, (uint8_t)i);
    CHECK_EQ(rd(&r, UART_IIR), 0xc6);           /* line status outranks data */
    rd(&r, UART_LSR);
    CHECK_EQ(rd(&r, UART_IIR), 0xc4);

    /* trigger level 4 */
    wr(&r, UART_FCR, 0x47);
    wr(&r, UART_THR, 1);
    wr(&r, UART_THR, 2);
    wr(&r, UART_THR, 3);
    CHECK_EQ(rd(&r, UART_IIR), 0xc1);
    wr(&r, UART_THR, 4);
    CHECK_EQ(rd(&r, UART_IIR), 0xc4);
    rig_free(&r);
}

static void test_uart_timeout(void)
{
    struct uart_rig r;
    rig_init(&r);
    wr(&r, UART_LCR, 0x83);
    wr(&r, UART_DLL, 1);                        /* 115200 baud */
    wr(&r, UART_DLM, 0);
    wr(&r, UART_LCR, 0x03);                     /* 8N1: 10 bits a character */
    wr(&r, UART_MCR, MCR_LOOP);
    wr(&r, UART_FCR, 0x47);                     /* trigger 4 */
    wr(&r, UART_IER, IER_RDA);
    wr(&r, UART_THR, 5);
    /* four characters: 4 * 10 bits * 16 / 1843200 Hz = 347.2 us */
    uint64_t four_chars = 4ull * 10 * 16 * 1000000000ull / UART_CLOCK_HZ;
    CHECK_EQ(vclock_next_deadline(&r.clock), four_chars);
    vclock_set(&r.clock, four_chars - 1);
    vclock_run_timers(&r.clock);
    CHECK_EQ(rd(&r, UART_IIR), 0xc1);
    vclock_set(&r.clock, four_chars);
    CHECK_EQ(vclock_run_timers(&r.clock), 1);
    CHECK_EQ(rd(&r, UART_IIR), 0xcc);
    CHECK_EQ(rd(&r, UART_RBR), 5);
    CHECK_EQ(rd(&r, UART_IIR), 0xc1);
    CHECK(!timer_armed(&r.u.timeout));          /* empty FIFO: nothing to time */

    /* a read that leaves data restarts the four character times */
    wr(&r, UART_THR, 6);
    wr(&r, UART_THR, 7);
    vclock_set(&r.clock, 2 * four_chars);
    rd(&r, UART_RBR);
    CHECK_EQ(vclock_next_deadline(&r.clock), 3 * four_chars);
    /* the timeout is a FIFO-mode feature */
    wr(&r, UART_FCR, 0x00);
    CHECK(!timer_armed(&r.u.timeout));
    rig_free(&r);
}

static void test_uart_modem_status(void)
{
    struct uart_rig r;
    rig_init(&r);
    wr(&r, UART_MCR, MCR_LOOP);
    rd(&r, UART_MSR);                           /* entering loopback changed lines */
    CHECK_EQ(rd(&r, UART_MSR), 0x00);
    wr(&r, UART_MCR, MCR_LOOP | MCR_DTR);
    CHECK_EQ(rd(&r, UART_MSR), MSR_DSR | MSR_DDSR);
    CHECK_EQ(rd(&r, UART_MSR), MSR_DSR);        /* deltas clear on read */
    wr(&r, UART_MCR, MCR_LOOP | MCR_RTS);
    CHECK_EQ(rd(&r, UART_MSR), MSR_CTS | MSR_DCTS | MSR_DDSR);
    wr(&r, UART_MCR, MCR_LOOP | MCR_OUT1);      /* RI rises: no TERI yet */
    CHECK_EQ(rd(&r, UART_MSR), MSR_RI | MSR_DCTS);
    wr(&r, UART_MCR, MCR_LOOP);                 /* RI falls: trailing edge */
    CHECK_EQ(rd(&r, UART_MSR), MSR_TERI);
    wr(&r, UART_MCR, MCR_LOOP | MCR_OUT2);
    CHECK_EQ(rd(&r, UART_MSR), MSR_DCD | MSR_DDCD);

    /* modem status interrupt: lowest priority, cleared by reading MSR */
    wr(&r, UART_IER, IER_MS);
    wr(&r, UART_MCR, MCR_LOOP | MCR_OUT2 | MCR_DTR);
    CHECK_EQ(rd(&r, UART_IIR), 0x00);
    rd(&r, UART_MSR);
    CHECK_EQ(rd(&r, UART_IIR), 0x01);

    /* outside loopback the lines come from the backend */
    wr(&r, UART_MCR, 0);
    rd(&r, UART_MSR);
    uart_set_modem_inputs(&r.u, MSR_DSR | MSR_DCD);
    CHECK_EQ(rd(&r, UART_MSR), MSR_DSR | MSR_DCD | MSR_DCTS);
    rig_free(&r);
}

static void test_uart_irq_line(void)
{
    struct uart_rig r;
    rig_init(&r);
    wr(&r, UART_IER, IER_THRE);
    CHECK_EQ(r.irq, 0);                         /* OUT2 low: the board gates it off */
    wr(&r, UART_MCR, MCR_OUT2);
    CHECK_EQ(r.irq, 1);
    rd(&r, UART_IIR);                           /* acknowledge THRE */
    CHECK_EQ(r.irq, 0);
    int before = r.irq_changes;
    wr(&r, UART_THR, 'z');                      /* THRE again: a fresh rising edge */
    CHECK_EQ(r.irq, 1);
    CHECK_EQ(r.irq_changes, before + 1);
    wr(&r, UART_MCR, MCR_OUT2 | MCR_LOOP);      /* loopback disconnects the line */
    CHECK_EQ(r.irq, 0);
    wr(&r, UART_MCR, MCR_OUT2);
    wr(&r, UART_IER, 0);
    CHECK_EQ(r.irq, 0);

    /* data from outside raises it once the receive interrupt is on */
    wr(&r, UART_IER, IER_RDA);
    uart_receive(&r.u, 'k');
    CHECK_EQ(r.irq, 1);
    CHECK_EQ(rd(&r, UART_RBR), 'k');
    CHECK_EQ(r.irq, 0);

    uart_reset(&r.u);
    CHECK_EQ(rd(&r, UART_MCR), 0);
    CHECK_EQ(rd(&r, UART_IIR), 0x01);
    rig_free(&r);
}

/* ---- isa-debug-exit ------------------------------------------------------ */

struct exit_log {
    int count;
    int status;
};

static void log_exit(void *opaque, int status)
{
    struct exit_log *l = opaque;
    l->count++;
    l->status = status;
}

static void test_debugexit(void)
{
    struct iobus bus;
    struct debugexit d;
    struct exit_log l = { 0, 0 };
    io_init(&bus);
    CHECK_EQ(debugexit_status(0), 1);
    CHECK_EQ(debugexit_status(1), 3);
    CHECK_EQ(debugexit_status(0x7f), 0xff);
    CHECK_EQ(debugexit_init(&d, &bus, 0xf4, 1, log_exit, &l), 0);

    io_out(&bus, 0xf4, 0, 1);
    CHECK_EQ(l.count, 1);
    CHECK_EQ(l.status, 1);
    io_out(&bus, 0xf4, 0x10, 1);
    CHECK_EQ(l.status, 0x21);
    io_out(&bus, 0xf4, 0x1234, 2);              /* one request for the whole word */
    CHECK_EQ(l.count, 3);
    CHECK_EQ(l.status, 0x2469);
    io_out(&bus, 0xf4, 0x00010002, 4);
    CHECK_EQ(l.count, 4);
    CHECK_EQ(l.status, 0x20005);
    CHECK_EQ(io_in(&bus, 0xf4, 1), 0);
    io_out(&bus, 0xf5, 3, 1);                   /* not ours with iosize 1 */
    CHECK_EQ(l.count, 4);

    /* a second claim on a port is refused */
    struct debugexit d2;
    CHECK_EQ(debugexit_init(&d2, &bus, 0xf4, 1, log_exit, &l), -1);
    CHECK_EQ(debugexit_init(&d2, &bus, 0xf3, 2, log_exit, &l), -1);
    CHECK_EQ(debugexit_init(&d2, &bus, 0x501, 2, log_exit, &l), 0);
    io_out(&bus, 0x502, 2, 1);                  /* iosize 2 covers 0x502 */
    CHECK_EQ(l.count, 5);
    CHECK_EQ(l.status, 5);
    io_free(&bus);
}

/* ---- debugcon ------------------------------------------------------------ */

static void test_debugcon(void)
{
    struct iobus bus;
    struct debugcon d;
    FILE *f = tmpfile();
    char buf[16] = { 0 };
    io_init(&bus);
    CHECK(f != NULL);
    if (!f)
        return;
    CHECK_EQ(debugcon_init(&d, &bus, DEBUGCON_PORT, f), 0);
    io_out(&bus, 0xe9, 'o', 1);
    io_out(&bus, 0xe9, 'k', 1);
    io_out(&bus, 0xe9, 0x4241, 2);              /* split: only the low byte is ours */
    CHECK_EQ(io_in(&bus, 0xe9, 1), 0xe9);
    rewind(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    CHECK_EQ(n, 3);
    CHECK(!strcmp(buf, "okA"));
    fclose(f);
    struct debugcon d2;
    CHECK_EQ(debugcon_init(&d2, &bus, DEBUGCON_PORT, stderr), -1);
    io_free(&bus);
}

/* ---- port 0x92 ----------------------------------------------------------- */

static void count_reset(void *opaque)
{
    (*(int *)opaque)++;
}

static void test_port92(void)
{
    struct iobus bus;
    struct physmem pm;
    struct port92 p;
    int resets = 0;
    io_init(&bus);
    CHECK_EQ(phys_init(&pm, 2u << 20), 0);
    CHECK_EQ(port92_init(&p, &bus, &pm, count_reset, &resets), 0);
    CHECK_EQ(io_in(&bus, 0x92, 1), 0x00);

    io_out(&bus, 0x92, 0x02, 1);                /* A20 on */
    CHECK_EQ(io_in(&bus, 0x92, 1), 0x02);
    CHECK_EQ(pm.a20_mask, 0xffffffffu);
    phys_write(&pm, 0x100000, 0xaa, 1);
    CHECK_EQ(pm.ram[0x100000], 0xaa);
    CHECK_EQ(pm.ram[0], 0x00);

    io_out(&bus, 0x92, 0x00, 1);                /* A20 off: bit 20 is forced to 0 */
    CHECK_EQ(io_in(&bus, 0x92, 1), 0x00);
    CHECK_EQ(pm.a20_mask, ~(1u << 20));
    phys_write(&pm, 0x100001, 0x55, 1);
    CHECK_EQ(pm.ram[1], 0x55);
    CHECK_EQ(pm.ram[0x100001], 0x00);
    CHECK_EQ(phys_read(&pm, 0x100000, 1), 0x00);   /* reads ram[0] */
    io_out(&bus, 0x92, 0x02, 1);
    CHECK_EQ(phys_read(&pm, 0x100000, 1), 0xaa);

    CHECK_EQ(resets, 0);
    io_out(&bus, 0x92, 0x03, 1);                /* 0 -> 1 on bit 0: reset */
    CHECK_EQ(resets, 1);
    io_out(&bus, 0x92, 0x03, 1);                /* no edge, no reset */
    CHECK_EQ(resets, 1);
    CHECK_EQ(io_in(&bus, 0x92, 1), 0x03);
    port92_reset(&p);
    CHECK_EQ(io_in(&bus, 0x92, 1), 0x02);       /* reset drops bit 0 only */
    io_out(&bus, 0x92, 0x03, 1);
    CHECK_EQ(resets, 2);
    io_out(&bus, 0x92, 0xfe, 1);                /* other bits read back as written */
    CHECK_EQ(io_in(&bus, 0x92, 1), 0xfe);

    struct port92 p2;
    CHECK_EQ(port92_init(&p2, &bus, &pm, count_reset, &resets), -1);
    phys_free(&pm);
    io_free(&bus);
}

/* ---- event queue --------------------------------------------------------- */

struct fire_log {
    char order[8];
    int n;
    struct timer *rearm;            /* re-armed 10 ns later from its callback, once */
};

struct fire_ctx {
    struct fire_log *log;
    char name;
    struct timer *self;
};

static void fire(void *opaque)
{
    struct fire_ctx *c = opaque;
    struct fire_log *l = c->log;
    if (l->n < (int)sizeof l->order - 1)
        l->order[l->n++] = c->name;
    if (l->rearm == c->self) {
        l->rearm = NULL;
        timer_mod(c->self, vclock_now(c->self->clock) + 10);
    }
}

static void test_timers(void)
{
    struct vclock clk;
    struct timer a, b, c;
    struct fire_log log = { { 0 }, 0, NULL };
    struct fire_ctx ca = { &log, 'a', &a }, cb = { &log, 'b', &b }, cc = { &log, 'c', &c };
    vclock_init(&clk, VCLOCK_MANUAL);
    timer_init(&a, &clk, fire, &ca);
    timer_init(&b, &clk, fire, &cb);
    timer_init(&c, &clk, fire, &cc);
    CHECK_EQ(vclock_next_deadline(&clk) == VCLOCK_NEVER, 1);
    timer_mod(&a, 300);
    timer_mod(&b, 100);
    timer_mod(&c, 200);
    CHECK_EQ(vclock_next_deadline(&clk), 100);
    timer_mod(&b, 250);                         /* re-arming moves it */
    CHECK_EQ(vclock_next_deadline(&clk), 200);
    timer_del(&c);
    CHECK(!timer_armed(&c));
    CHECK_EQ(vclock_next_deadline(&clk), 250);
    CHECK_EQ(vclock_run_timers(&clk), 0);       /* time 0: nothing due */
    vclock_set(&clk, 260);
    log.rearm = &b;
    CHECK_EQ(vclock_run_timers(&clk), 1);
    CHECK(!strcmp(log.order, "b"));
    CHECK_EQ(vclock_next_deadline(&clk), 270);  /* b re-armed itself */
    vclock_set(&clk, 1000);
    CHECK_EQ(vclock_run_timers(&clk), 2);
    CHECK(!strcmp(log.order, "bba"));
    CHECK_EQ(vclock_next_deadline(&clk) == VCLOCK_NEVER, 1);
    vclock_set(&clk, 500);                      /* time never goes back */
    CHECK_EQ(vclock_now(&clk), 1000);

    struct vclock host;
    vclock_init(&host, VCLOCK_HOST);
    uint64_t t0 = vclock_now(&host), t1 = vclock_now(&host);
    CHECK(t1 >= t0);
}

/* ---- headless UI: takes frames, never has input ----------------------- */

static void test_headless_ui(void)
{
    struct ui *ui = ui_headless_create();
    CHECK(ui != NULL);
    if (!ui)
        return;
    static const uint32_t pixels[4] = { 0 };
    static const uint16_t cells[4] = { 0x0741 };
    struct ui_frame f = { 2, 2, 2, pixels, 0, 2, 4, 3 };
    struct ui_text t = { 2, 2, cells, 0, 0, 1 };
    ui_present(ui, &f);
    ui_present_text(ui, &t);
    struct ui_event ev;
    CHECK_EQ(ui_poll(ui, &ev), 0);
    CHECK_EQ(ev.type, UI_EV_NONE);
    CHECK(!strcmp(ui->ops->name, "none"));
    CHECK_EQ(ui->frame_ms, 0);         /* no window: the machine renders nothing for it */
    ui_free(ui);
}

int main(void)
{
    test_uart_registers();
    test_uart_transmit();
    test_uart_loopback_16450();
    test_uart_fifo();
    test_uart_iir();
    test_uart_timeout();
    test_uart_modem_status();
    test_uart_irq_line();
    test_debugexit();
    test_debugcon();
    test_port92();
    test_timers();
    test_headless_ui();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
