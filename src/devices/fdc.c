/* Intel 82077AA floppy disk controller (see fdc.h). Command formats, status
 * bits and the result-phase sector addresses follow the 82077AA datasheet. */
#include "fdc.h"
#include <string.h>

/* ---- media ---- */

struct fdc_format {
    uint32_t size;
    uint8_t tracks, heads, sectors, rate, cmos;
};

static const struct fdc_format formats[] = {
    {  163840, 40, 1,  8, FDC_RATE_250K, 1 },
    {  184320, 40, 1,  9, FDC_RATE_250K, 1 },
    {  327680, 40, 2,  8, FDC_RATE_250K, 1 },
    {  368640, 40, 2,  9, FDC_RATE_250K, 1 },
    {  737280, 80, 2,  9, FDC_RATE_250K, 3 },
    { 1228800, 80, 2, 15, FDC_RATE_500K, 2 },
    { 1474560, 80, 2, 18, FDC_RATE_500K, 4 },
    { 1720320, 80, 2, 21, FDC_RATE_500K, 4 },
    { 2949120, 80, 2, 36, FDC_RATE_1M,   5 },
};

static const struct fdc_format *format_of(uint64_t size)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (formats[i].size == size)
            return &formats[i];
    return NULL;
}

int fdc_cmos_type(uint64_t size)
{
    const struct fdc_format *fmt = format_of(size);
    return fmt ? fmt->cmos : 0;
}

/* 5.25" double density media read at 250 kbit/s in a 360K drive and at
 * 300 kbit/s in a 1.2M one: accept both. */
static int rate_ok(const struct fdc *f, const struct fdc_drive *d)
{
    return f->rate == d->rate || (d->tracks == 40 && f->rate == FDC_RATE_300K);
}

int fdc_file_read(void *opaque, uint64_t offset, void *buf, size_t len)
{
    FILE *fp = opaque;
    if (fseeko(fp, (off_t)offset, SEEK_SET) != 0 || fread(buf, 1, len, fp) != len)
        return -1;
    return 0;
}

int fdc_file_write(void *opaque, uint64_t offset, const void *buf, size_t len)
{
    FILE *fp = opaque;
    if (fseeko(fp, (off_t)offset, SEEK_SET) != 0 || fwrite(buf, 1, len, fp) != len || fflush(fp) != 0)
        return -1;
    return 0;
}

/* ---- interrupt ---- */

static void update_irq(struct fdc *f)
{
    /* On the AT the IRQ and DRQ outputs pass through DOR bit 3. */
    irq_set(&f->irq, f->irq_pending && (f->dor & DOR_DMA));
}

static void set_irq(struct fdc *f, int level)
{
    /* A new interrupt supersedes the reset's drive statuses not yet
     * collected (SeaBIOS issues a single SENSE INTERRUPT after a reset). */
    if (level)
        f->reset_sense = 0;
    f->irq_pending = (uint8_t)level;
    update_irq(f);
}

/* ---- phases ---- */

static void to_command_phase(struct fdc *f)
{
    f->phase = FDC_CMD;
    f->cmd_pos = f->cmd_len = 0;
    f->res_pos = f->res_len = 0;
    f->pio_len = f->pio_pos = 0;
}

static void enter_result(struct fdc *f)
{
    f->phase = FDC_RESULT;
    f->res_pos = 0;
    f->res_clears_irq = f->done_irq;
    if (f->done_irq)
        set_irq(f, 1);
}

static void done_cb(void *opaque)
{
    enter_result(opaque);
}

/* The command has its result ready in res[]; give it after the execution
 * time (with the interrupt when irq) or at once. */
static void finish(struct fdc *f, int len, int irq, int delay)
{
    f->res_len = (uint8_t)len;
    f->done_irq = (uint8_t)irq;
    if (delay && f->clock) {
        f->phase = FDC_EXEC;
        timer_mod(&f->done, vclock_now(f->clock) + FDC_EXEC_NS);
    } else {
        enter_result(f);
    }
}

static void seek_done_cb(void *opaque)
{
    struct fdc *f = opaque;
    f->msr_busy_drives = 0;
    f->sense_pending = 1;
    f->sense_st0 = f->seek_st0;
    f->sense_pcn = f->seek_pcn;
    set_irq(f, 1);
}

/* ---- reset ---- */

/* What both the DOR and the DSR resets do. The poll that follows sees the
 * four drives "become ready" and interrupts, unless CONFIGURE turned
 * polling off; irq_now says whether that happens now (DSR) or when the DOR
 * reset bit is released. */
static void soft_reset(struct fdc *f, int irq_now)
{
    timer_del(&f->done);
    timer_del(&f->seek_done);
    to_command_phase(f);
    f->msr_busy_drives = 0;
    f->sense_pending = 0;
    f->reset_sense = 0;
    if (!f->lock) {
        f->config = 0x20;                   /* EFIFO: FIFO disabled, implied seek off, polling on */
        f->pretrk = 0;
    }
    f->perpendicular &= 0x3c;               /* GAP and WGATE clear; D0-D3 stay */
    set_irq(f, 0);
    if (irq_now && !(f->config & 0x10)) {
        set_irq(f, 1);
        f->reset_sense = 4;
    }
}

void fdc_reset(struct fdc *f)
{
    f->dor = 0;
    f->tdr = 0;
    f->dsr = FDC_RATE_250K;
    f->rate = FDC_RATE_250K;
    f->lock = 0;
    f->perpendicular = 0;
    f->eot = 0;
    memset(f->specify, 0, sizeof f->specify);
    soft_reset(f, 0);
}

/* ---- commands ---- */

struct cmd_info {
    uint8_t len;                            /* bytes including the command byte */
    uint8_t flags_ok;                       /* which of bits 5-7 the command may set */
};

static struct cmd_info cmd_info(uint8_t c)
{
    struct cmd_info none = { 0, 0 };
    switch (c & 0x1f) {
    case FDC_CMD_SPECIFY:       return (struct cmd_info){ 3, 0x00 };
    case FDC_CMD_SENSE_DRIVE:   return (struct cmd_info){ 2, 0x00 };
    case FDC_CMD_WRITE:         return (struct cmd_info){ 9, 0xc0 };
    case FDC_CMD_READ:          return (struct cmd_info){ 9, 0xe0 };
    case FDC_CMD_RECALIBRATE:   return (struct cmd_info){ 2, 0x00 };
    case FDC_CMD_SENSE_INT:     return (struct cmd_info){ 1, 0x00 };
    case FDC_CMD_READ_ID:       return (struct cmd_info){ 2, 0x40 };
    case FDC_CMD_FORMAT:        return (struct cmd_info){ 6, 0x40 };
    case FDC_CMD_DUMPREG:       return (struct cmd_info){ 1, 0x00 };
    case FDC_CMD_SEEK:          return (struct cmd_info){ 3, 0xc0 };
    case FDC_CMD_VERSION:       return (struct cmd_info){ 1, 0x00 };
    case FDC_CMD_PERPENDICULAR: return (struct cmd_info){ 2, 0x00 };
    case FDC_CMD_CONFIGURE:     return (struct cmd_info){ 4, 0x00 };
    case FDC_CMD_LOCK:          return (struct cmd_info){ 1, 0x80 };
    default:                    return none;
    }
}

static void invalid(struct fdc *f)
{
    f->res[0] = ST0_IC_INVALID;
    finish(f, 1, 0, 0);
}

static int pio_mode(const struct fdc *f) { return f->specify[1] & 1; }

static void start_seek(struct fdc *f, int ds, int head, int target, int recal)
{
    struct fdc_drive *d = &f->drive[ds];
    /* One seek is tracked at a time: a new one completes the old. */
    if (timer_armed(&f->seek_done)) {
        timer_del(&f->seek_done);
        seek_done_cb(f);
    }
    f->seek_st0 = (uint8_t)(ST0_SE | (head << 2) | ds);
    if (!d->present) {
        if (recal)                          /* no TRK0 signal after 79 steps */
            f->seek_st0 |= ST0_IC_ABNORMAL | ST0_EC;
    } else {
        d->track = (uint8_t)(target < 0 ? 0 : target > 255 ? 255 : target);
        if (d->inserted)
            d->changed = 0;                 /* a step pulse with a medium in */
    }
    f->seek_pcn = d->track;
    f->msr_busy_drives |= (uint8_t)(1 << ds);
    to_command_phase(f);
    if (f->clock)
        timer_mod(&f->seek_done, vclock_now(f->clock) + FDC_EXEC_NS);
    else
        seek_done_cb(f);
}

/* Moves one sector's worth of data between buf and the host side (DMA or
 * the PIO buffer). Returns bytes moved; *tc tells whether the transfer ends
 * (terminal count) with this sector. */
static size_t sector_xfer(struct fdc *f, uint8_t *buf, int write, int *tc)
{
    *tc = 0;
    if (pio_mode(f)) {
        if (f->pio_len + FDC_SECTOR_SIZE > sizeof f->pio_buf)
            return 0;
        if (write)
            memcpy(buf, f->pio_buf + f->pio_len, FDC_SECTOR_SIZE);
        else
            memcpy(f->pio_buf + f->pio_len, buf, FDC_SECTOR_SIZE);
        f->pio_len += FDC_SECTOR_SIZE;
        return FDC_SECTOR_SIZE;
    }
    if (!f->dma || !(f->dor & DOR_DMA))
        return 0;
    size_t n = dma_transfer(f->dma, f->dma_channel, buf, FDC_SECTOR_SIZE, !write);
    *tc = dma_terminal_count(f->dma, f->dma_channel);
    if (write && n < FDC_SECTOR_SIZE && *tc)
        memset(buf + n, 0, FDC_SECTOR_SIZE - n);   /* TC mid-sector: the rest is zeros */
    return n;
}

/* READ DATA / WRITE DATA: the sector loop, from R to EOT (and across to
 * head 1 with MT), ending at terminal count. Leaves the 7 result bytes. */
static void read_write(struct fdc *f, int write)
{
    uint8_t *c = f->cmd;
    int ds = c[1] & 3, head = (c[1] >> 2) & 1;
    uint8_t C = c[2], H = c[3], R = c[4], N = c[5], eot = c[6];
    int mt = c[0] & 0x80;
    uint8_t st0 = 0, st1 = 0, st2 = 0;
    struct fdc_drive *d = &f->drive[ds];
    uint8_t buf[FDC_SECTOR_SIZE];

    f->eot = eot;
    f->pio_len = 0;
    if (!d->present || !d->inserted || !(c[0] & 0x40) || !rate_ok(f, d) || head >= d->heads) {
        st1 = ST1_MA;                       /* nothing readable passes under the head */
        goto out;
    }
    if (write && d->readonly) {
        st1 = ST1_NW;
        goto out;
    }
    if ((f->config & 0x40) && d->track != C) {   /* implied seek (CONFIGURE EIS) */
        d->track = C;
        st0 |= ST0_SE;
    }
    for (;;) {
        if (d->track != C || H != head || N != 2 || R < 1 || R > d->sectors || d->track >= d->tracks) {
            st1 = ST1_ND;
            if (d->track != C && d->track < d->tracks)
                st2 = C == 0xff ? ST2_BC : ST2_WC;
            break;
        }
        uint64_t off = (((uint64_t)C * d->heads + head) * d->sectors + (R - 1)) * FDC_SECTOR_SIZE;
        int tc;
        size_t n;
        if (write) {
            n = sector_xfer(f, buf, 1, &tc);
            if (n < FDC_SECTOR_SIZE && !tc) {
                st1 = ST1_OR;
                break;
            }
            if (!d->write || d->write(d->opaque, off, buf, FDC_SECTOR_SIZE) < 0) {
                st1 = ST1_DE;
                break;
            }
        } else {
            if (!d->read || d->read(d->opaque, off, buf, FDC_SECTOR_SIZE) < 0) {
                st1 = ST1_DE;
                st2 = 0x20;                 /* DD: data error in the data field */
                break;
            }
            n = sector_xfer(f, buf, 0, &tc);
            if (n < FDC_SECTOR_SIZE && !tc) {
                st1 = ST1_OR;
                break;
            }
        }
        d->next_sector = (uint8_t)(R % d->sectors);
        /* Next sector address, as the result phase reports it. */
        int at_eot = R == eot;
        if (!at_eot) {
            R++;
        } else if (mt && head == 0) {
            H ^= 1;
            head = 1;
            R = 1;
            at_eot = head >= d->heads;      /* single-sided: nothing on side 1 */
            if (at_eot) {
                C++;
            }
        } else {
            H = (uint8_t)(mt ? H ^ 1 : H);
            C++;
            R = 1;
        }
        if (tc)
            break;
        if (at_eot) {
            /* Past EOT without terminal count: the datasheet's "end of
             * cylinder" (what non-DMA transfers always end with). */
            st1 = ST1_EN;
            break;
        }
    }
out:
    if (st1 || st2)
        st0 |= ST0_IC_ABNORMAL;
    f->res[0] = (uint8_t)(st0 | (head << 2) | ds);
    f->res[1] = st1;
    f->res[2] = st2;
    f->res[3] = C;
    f->res[4] = H;
    f->res[5] = R;
    f->res[6] = N;
}

/* Sectors a PIO WRITE DATA will take, from R to EOT (and side 1 with MT). */
static uint32_t pio_write_len(const struct fdc *f)
{
    const uint8_t *c = f->cmd;
    int n = c[6] >= c[4] ? c[6] - c[4] + 1 : 1;
    if ((c[0] & 0x80) && !((c[1] >> 2) & 1))
        n += c[6];
    uint32_t len = (uint32_t)n * FDC_SECTOR_SIZE;
    return len > sizeof f->pio_buf ? (uint32_t)sizeof f->pio_buf : len;
}

static void read_id(struct fdc *f)
{
    int ds = f->cmd[1] & 3, head = (f->cmd[1] >> 2) & 1;
    struct fdc_drive *d = &f->drive[ds];
    uint8_t st0 = (uint8_t)((head << 2) | ds), st1 = 0;
    if (!d->present || !d->inserted || !(f->cmd[0] & 0x40) || !rate_ok(f, d) ||
        head >= d->heads || d->track >= d->tracks) {
        st0 |= ST0_IC_ABNORMAL;
        st1 = ST1_MA;
    }
    f->res[0] = st0;
    f->res[1] = st1;
    f->res[2] = 0;
    f->res[3] = d->track;
    f->res[4] = (uint8_t)head;
    f->res[5] = (uint8_t)(d->next_sector + 1);
    f->res[6] = 2;
    if (!st1 && d->sectors)
        d->next_sector = (uint8_t)((d->next_sector + 1) % d->sectors);
    finish(f, 7, 1, 1);
}

static void format_track(struct fdc *f)
{
    int ds = f->cmd[1] & 3, head = (f->cmd[1] >> 2) & 1;
    struct fdc_drive *d = &f->drive[ds];
    uint8_t N = f->cmd[2], sc = f->cmd[3], fill = f->cmd[5];
    uint8_t st0 = (uint8_t)((head << 2) | ds), st1 = 0, st2 = 0;
    uint8_t id[4] = { d->track, (uint8_t)head, 0, N }, sector[FDC_SECTOR_SIZE];

    memset(sector, fill, sizeof sector);
    if (!d->present || !d->inserted || !(f->cmd[0] & 0x40) || !rate_ok(f, d) || head >= d->heads)
        st1 = ST1_MA;
    else if (d->readonly)
        st1 = ST1_NW;
    for (int i = 0; !st1 && i < sc; i++) {
        /* The host supplies each sector's ID (C, H, R, N) by DMA. */
        if (pio_mode(f) || !f->dma || !(f->dor & DOR_DMA) ||
            dma_transfer(f->dma, f->dma_channel, id, 4, 0) < 4) {
            st1 = ST1_OR;
            break;
        }
        /* An image holds one layout: IDs that do not fit it are not kept. */
        if (id[3] == 2 && id[0] == d->track && id[0] < d->tracks && id[1] == head &&
            id[2] >= 1 && id[2] <= d->sectors) {
            uint64_t off = (((uint64_t)d->track * d->heads + head) * d->sectors + (id[2] - 1)) * FDC_SECTOR_SIZE;
            if (!d->write || d->write(d->opaque, off, sector, sizeof sector) < 0) {
                st1 = ST1_DE;
                break;
            }
        }
        if (dma_terminal_count(f->dma, f->dma_channel) && i + 1 < sc)
            break;
    }
    if (st1)
        st0 |= ST0_IC_ABNORMAL;
    f->res[0] = st0;
    f->res[1] = st1;
    f->res[2] = st2;
    memcpy(&f->res[3], id, 4);
    finish(f, 7, 1, 1);
}

static void execute(struct fdc *f)
{
    uint8_t *c = f->cmd;
    int ds = c[1] & 3, head = (c[1] >> 2) & 1;
    struct fdc_drive *d = &f->drive[ds];

    switch (c[0] & 0x1f) {
    case FDC_CMD_SPECIFY:
        f->specify[0] = c[1];
        f->specify[1] = c[2];
        to_command_phase(f);
        break;
    case FDC_CMD_SENSE_DRIVE:
        f->res[0] = (uint8_t)(ST3_RDY | ST3_TS | (head << 2) | ds |
                              (d->track == 0 ? ST3_T0 : 0) |
                              (d->readonly || !d->inserted ? ST3_WP : 0));
        finish(f, 1, 0, 0);
        break;
    case FDC_CMD_RECALIBRATE:
        f->dor = (uint8_t)((f->dor & ~DOR_SEL) | ds);
        start_seek(f, ds, 0, 0, 1);
        break;
    case FDC_CMD_SEEK: {
        int target = c[2];
        if (c[0] & 0x80)                    /* relative: bit 6 = towards the spindle */
            target = (c[0] & 0x40) ? d->track + c[2] : d->track - c[2];
        f->dor = (uint8_t)((f->dor & ~DOR_SEL) | ds);
        start_seek(f, ds, head, target, 0);
        break;
    }
    case FDC_CMD_SENSE_INT:
        if (f->reset_sense) {
            int n = 4 - f->reset_sense--;
            f->res[0] = (uint8_t)(ST0_IC_READY | n);
            f->res[1] = f->drive[n].track;
            set_irq(f, 0);
            finish(f, 2, 0, 0);
        } else if (f->sense_pending) {
            f->sense_pending = 0;
            f->res[0] = f->sense_st0;
            f->res[1] = f->sense_pcn;
            set_irq(f, 0);
            finish(f, 2, 0, 0);
        } else {
            invalid(f);
        }
        break;
    case FDC_CMD_READ:
    case FDC_CMD_WRITE: {
        int write = (c[0] & 0x1f) == FDC_CMD_WRITE;
        f->dor = (uint8_t)((f->dor & ~DOR_SEL) | ds);
        if (pio_mode(f) && write) {
            /* Collect the data first; the sector loop runs when it is in. */
            f->phase = FDC_EXEC;
            f->pio_write = 1;
            f->pio_len = pio_write_len(f);
            f->pio_pos = 0;
            break;
        }
        read_write(f, write);
        if (pio_mode(f) && f->pio_len) {
            f->phase = FDC_EXEC;
            f->pio_write = 0;
            f->pio_pos = 0;
            f->res_len = 7;
            f->done_irq = 1;
        } else {
            finish(f, 7, 1, 1);
        }
        break;
    }
    case FDC_CMD_READ_ID:
        f->dor = (uint8_t)((f->dor & ~DOR_SEL) | ds);
        read_id(f);
        break;
    case FDC_CMD_FORMAT:
        f->dor = (uint8_t)((f->dor & ~DOR_SEL) | ds);
        format_track(f);
        break;
    case FDC_CMD_VERSION:
        f->res[0] = 0x90;
        finish(f, 1, 0, 0);
        break;
    case FDC_CMD_CONFIGURE:
        f->config = c[2];
        f->pretrk = c[3];
        to_command_phase(f);
        break;
    case FDC_CMD_LOCK:
        f->lock = c[0] >> 7;
        f->res[0] = (uint8_t)(f->lock << 4);
        finish(f, 1, 0, 0);
        break;
    case FDC_CMD_DUMPREG:
        for (int i = 0; i < 4; i++)
            f->res[i] = f->drive[i].track;
        f->res[4] = f->specify[0];
        f->res[5] = f->specify[1];
        f->res[6] = f->eot;
        f->res[7] = (uint8_t)((f->lock << 7) | (f->perpendicular & 0x3f));
        f->res[8] = f->config;
        f->res[9] = f->pretrk;
        finish(f, 10, 0, 0);
        break;
    case FDC_CMD_PERPENDICULAR:
        /* OW (bit 7) lets D0-D3 change; GAP and WGATE always do. */
        if (c[1] & 0x80)
            f->perpendicular = c[1] & 0x3f;
        else
            f->perpendicular = (uint8_t)((f->perpendicular & 0x3c) | (c[1] & 3));
        to_command_phase(f);
        break;
    default:
        invalid(f);
        break;
    }
}

/* ---- ports ---- */

static int in_reset(const struct fdc *f) { return !(f->dor & DOR_NRESET); }

static uint8_t msr(const struct fdc *f)
{
    if (in_reset(f))
        return 0;
    uint8_t m = f->msr_busy_drives;
    switch (f->phase) {
    case FDC_CMD:
        m |= MSR_RQM | (f->cmd_pos ? MSR_CB : 0);
        break;
    case FDC_EXEC:
        m |= MSR_CB;
        if (f->pio_len)                     /* non-DMA data phase: byte by byte through the FIFO */
            m |= MSR_RQM | MSR_NDMA | (f->pio_write ? 0 : MSR_DIO);
        break;
    case FDC_RESULT:
        m |= MSR_RQM | MSR_DIO | MSR_CB;
        break;
    }
    return m;
}

static uint8_t fifo_read(struct fdc *f)
{
    if (in_reset(f))
        return 0;
    if (f->phase == FDC_EXEC && f->pio_len && !f->pio_write) {
        uint8_t b = f->pio_buf[f->pio_pos++];
        if (f->pio_pos >= f->pio_len) {
            f->pio_len = 0;
            enter_result(f);
        }
        return b;
    }
    if (f->phase != FDC_RESULT)
        return 0;
    uint8_t b = f->res[f->res_pos++];
    if (f->res_clears_irq) {
        f->res_clears_irq = 0;
        set_irq(f, 0);
    }
    if (f->res_pos >= f->res_len)
        to_command_phase(f);
    return b;
}

static void fifo_write(struct fdc *f, uint8_t v)
{
    if (in_reset(f))
        return;
    if (f->phase == FDC_EXEC && f->pio_len && f->pio_write) {
        f->pio_buf[f->pio_pos++] = v;
        if (f->pio_pos >= f->pio_len) {
            f->pio_len = 0;                 /* read_write refills it from the start */
            read_write(f, 1);
            f->pio_len = 0;
            f->pio_write = 0;
            finish(f, 7, 1, 0);
        }
        return;
    }
    if (f->phase != FDC_CMD)
        return;                             /* the controller is not listening */
    if (f->cmd_pos == 0) {
        struct cmd_info ci = cmd_info(v);
        if (!ci.len || (v & 0xe0 & ~ci.flags_ok)) {
            f->cmd[0] = v;
            invalid(f);
            return;
        }
        f->cmd_len = ci.len;
    }
    f->cmd[f->cmd_pos++] = v;
    if (f->cmd_pos == f->cmd_len)
        execute(f);
}

static uint32_t fdc_read(void *opaque, uint16_t port, int size)
{
    struct fdc *f = opaque;
    (void)size;
    switch (port & 7) {
    case FDC_DOR:
        return f->dor;
    case FDC_TDR:
        return f->tdr & 3;
    case FDC_MSR:
        return msr(f);
    case FDC_FIFO:
        return fifo_read(f);
    case FDC_DIR:
        return f->drive[f->dor & DOR_SEL].changed ? DIR_DSKCHG : 0;
    default:                                /* SRA/SRB: PS/2 mode only */
        return 0xff;
    }
}

static void fdc_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    struct fdc *f = opaque;
    uint8_t v = (uint8_t)val;
    (void)size;
    switch (port & 7) {
    case FDC_DOR: {
        uint8_t old = f->dor;
        f->dor = v;
        if (!(v & DOR_NRESET))
            soft_reset(f, 0);               /* held in reset while the bit is 0 */
        else if (!(old & DOR_NRESET))
            soft_reset(f, 1);               /* released: the poll interrupts */
        update_irq(f);                      /* the DMA/IRQ gate may have changed */
        break;
    }
    case FDC_TDR:
        f->tdr = v & 3;
        break;
    case FDC_DSR:
        f->dsr = v & 0x7f;
        f->rate = v & 3;
        if (v & DSR_SWRESET)
            soft_reset(f, 1);               /* self-clearing */
        break;
    case FDC_FIFO:
        fifo_write(f, v);
        break;
    case FDC_CCR:
        f->rate = v & 3;
        f->dsr = (uint8_t)((f->dsr & ~3) | (v & 3));
        break;
    default:
        break;
    }
}

/* ---- drives ---- */

void fdc_drive_connect(struct fdc *f, int n)
{
    struct fdc_drive *d = &f->drive[n & 3];
    memset(d, 0, sizeof *d);
    d->present = 1;
}

int fdc_drive_insert(struct fdc *f, int n, uint64_t size, fdc_read_fn rd, fdc_write_fn wr,
                     void *opaque, int readonly)
{
    struct fdc_drive *d = &f->drive[n & 3];
    const struct fdc_format *fmt = format_of(size);
    if (!fmt)
        return -1;
    d->present = 1;
    d->inserted = 1;
    d->readonly = readonly || !wr;
    d->tracks = fmt->tracks;
    d->heads = fmt->heads;
    d->sectors = fmt->sectors;
    d->rate = fmt->rate;
    d->next_sector = 0;
    d->read = rd;
    d->write = wr;
    d->opaque = opaque;
    d->changed = 1;
    return 0;
}

void fdc_drive_eject(struct fdc *f, int n)
{
    struct fdc_drive *d = &f->drive[n & 3];
    d->inserted = 0;
    d->read = NULL;
    d->write = NULL;
    d->opaque = NULL;
    d->changed = 1;
}

int fdc_init(struct fdc *f, struct iobus *bus, uint16_t base, struct dma *dma, int dma_channel,
             struct irq_line irq, struct vclock *clock)
{
    memset(f, 0, sizeof *f);
    f->dma = dma;
    f->dma_channel = dma_channel;
    f->irq = irq;
    f->clock = clock;
    if (clock) {
        timer_init(&f->done, clock, done_cb, f);
        timer_init(&f->seek_done, clock, seek_done_cb, f);
    }
    fdc_reset(f);
    if (io_register(bus, base, 6, IO_W8, fdc_read, fdc_write, f, "fdc") < 0 ||
        io_register(bus, (uint16_t)(base + 7), 1, IO_W8, fdc_read, fdc_write, f, "fdc-dir") < 0)
        return -1;
    return 0;
}
