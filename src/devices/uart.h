/* 16550A UART (NS PC16550D): eight registers behind the DLAB bit, 16-byte
 * receive FIFO with trigger levels and the character timeout, the four
 * prioritised interrupt sources, loopback, and modem status with deltas.
 *
 * Transmission is instant: a byte written to THR reaches the backend (or, in
 * loopback, the receiver) during the write, so the transmitter is always
 * empty by the time the guest looks again. Only reception has timing (the
 * timeout interrupt), derived from the divisor and the line format.
 *
 * The host side is two callbacks and two calls: tx_byte receives what the
 * guest sends; the machine offers input with uart_can_receive/uart_receive.
 * set_irq reports the level of the IRQ line, as a PC's board wires it: the
 * line is driven only while MCR.OUT2 is set and loopback is off. */
#ifndef RELIC_UART_H
#define RELIC_UART_H
#include <stdint.h>
#include "../mmu/io.h"
#include "../machine/timer.h"

#define UART_FIFO_SIZE 16
#define UART_CLOCK_HZ 1843200u          /* the PC's crystal: 115200 baud at divisor 1 */

#define UART_COM1_BASE 0x3f8
#define UART_COM2_BASE 0x2f8
#define UART_COM3_BASE 0x3e8
#define UART_COM4_BASE 0x2e8

struct uart_fifo {
    uint8_t data[UART_FIFO_SIZE];
    uint8_t head;                       /* index of the oldest byte */
    uint8_t count;
};

struct uart {
    /* registers */
    uint8_t ier, lcr, mcr, lsr, msr, scr;
    uint8_t fcr;                        /* bits that stick: enable, DMA mode, trigger */
    uint16_t divisor;
    struct uart_fifo rx;                /* in 16450 mode it holds at most one byte */
    uint8_t ext_msr;                    /* modem inputs from outside (bits 4..7) */
    uint8_t thr_ipending;               /* THRE interrupt armed and not yet acknowledged */
    uint8_t timeout_ipending;           /* character timeout interrupt */
    int irq_level;
    struct timer timeout;

    /* wiring */
    uint16_t base;
    const char *name;
    void (*tx_byte)(void *opaque, uint8_t byte);
    void *tx_opaque;
    void (*set_irq)(void *opaque, int level);
    void *irq_opaque;
};

/* Claims the eight ports at base. Callbacks may be NULL (output dropped, IRQ
 * unconnected). Returns 0, or -1 if a port is taken. */
int uart_init(struct uart *u, struct iobus *bus, uint16_t base, const char *name,
              struct vclock *clock);
void uart_set_backend(struct uart *u, void (*tx_byte)(void *, uint8_t), void *opaque);
void uart_set_irq_handler(struct uart *u, void (*set_irq)(void *, int), void *opaque);
/* Master reset (the chip's MR pin): registers to their datasheet values. */
void uart_reset(struct uart *u);

/* How many bytes the receiver takes from outside now without losing any:
 * 0 in loopback (the receive pin is disconnected) or when full. */
int uart_can_receive(const struct uart *u);
/* A byte arriving on the receive pin; ignored in loopback. A byte beyond
 * what uart_can_receive allowed is an overrun, as on the wire. */
void uart_receive(struct uart *u, uint8_t byte);
/* The modem status inputs CTS, DSR, RI, DCD as MSR bits 4..7. Backends that
 * are not a real line keep the default: CTS, DSR and DCD asserted. */
void uart_set_modem_inputs(struct uart *u, uint8_t msr_bits);

/* Register offsets and bits, for tests and anyone reading the code. */
enum { UART_RBR = 0, UART_THR = 0, UART_DLL = 0, UART_IER = 1, UART_DLM = 1,
       UART_IIR = 2, UART_FCR = 2, UART_LCR = 3, UART_MCR = 4, UART_LSR = 5,
       UART_MSR = 6, UART_SCR = 7 };
enum { IER_RDA = 1, IER_THRE = 2, IER_RLS = 4, IER_MS = 8 };
enum { IIR_NONE = 0x01, IIR_MS = 0x00, IIR_THRE = 0x02, IIR_RDA = 0x04, IIR_RLS = 0x06,
       IIR_CTI = 0x0c, IIR_FIFO = 0xc0 };
enum { FCR_ENABLE = 1, FCR_CLEAR_RX = 2, FCR_CLEAR_TX = 4, FCR_DMA = 8, FCR_TRIGGER = 0xc0 };
enum { LCR_DLAB = 0x80 };
enum { MCR_DTR = 1, MCR_RTS = 2, MCR_OUT1 = 4, MCR_OUT2 = 8, MCR_LOOP = 16 };
enum { LSR_DR = 1, LSR_OE = 2, LSR_PE = 4, LSR_FE = 8, LSR_BI = 16, LSR_THRE = 32,
       LSR_TEMT = 64, LSR_RXERR = 128 };
enum { MSR_DCTS = 1, MSR_DDSR = 2, MSR_TERI = 4, MSR_DDCD = 8, MSR_CTS = 16,
       MSR_DSR = 32, MSR_RI = 64, MSR_DCD = 128 };
#endif
