/* Intel 8042 keyboard controller with PS/2 keyboard and mouse (see i8042.h). */
#include "i8042.h"
#include <string.h>

/* Output port bits */
enum { OUT_RESET = 0x01, OUT_A20 = 0x02, OUT_OBF_KBD = 0x10, OUT_OBF_AUX = 0x20 };

/* Scan code set 2 make code -> set 1 make code, for the keys of a 102-key
 * keyboard (IBM PS/2 Technical Reference, keyboard scan code tables). */
static const uint8_t xlate_pairs[][2] = {
    {0x76, 0x01}, {0x16, 0x02}, {0x1e, 0x03}, {0x26, 0x04}, {0x25, 0x05}, {0x2e, 0x06},
    {0x36, 0x07}, {0x3d, 0x08}, {0x3e, 0x09}, {0x46, 0x0a}, {0x45, 0x0b}, {0x4e, 0x0c},
    {0x55, 0x0d}, {0x66, 0x0e}, {0x0d, 0x0f}, {0x15, 0x10}, {0x1d, 0x11}, {0x24, 0x12},
    {0x2d, 0x13}, {0x2c, 0x14}, {0x35, 0x15}, {0x3c, 0x16}, {0x43, 0x17}, {0x44, 0x18},
    {0x4d, 0x19}, {0x54, 0x1a}, {0x5b, 0x1b}, {0x5a, 0x1c}, {0x14, 0x1d}, {0x1c, 0x1e},
    {0x1b, 0x1f}, {0x23, 0x20}, {0x2b, 0x21}, {0x34, 0x22}, {0x33, 0x23}, {0x3b, 0x24},
    {0x42, 0x25}, {0x4b, 0x26}, {0x4c, 0x27}, {0x52, 0x28}, {0x0e, 0x29}, {0x12, 0x2a},
    {0x5d, 0x2b}, {0x1a, 0x2c}, {0x22, 0x2d}, {0x21, 0x2e}, {0x2a, 0x2f}, {0x32, 0x30},
    {0x31, 0x31}, {0x3a, 0x32}, {0x41, 0x33}, {0x49, 0x34}, {0x4a, 0x35}, {0x59, 0x36},
    {0x7c, 0x37}, {0x11, 0x38}, {0x29, 0x39}, {0x58, 0x3a}, {0x05, 0x3b}, {0x06, 0x3c},
    {0x04, 0x3d}, {0x0c, 0x3e}, {0x03, 0x3f}, {0x0b, 0x40}, {0x83, 0x41}, {0x0a, 0x42},
    {0x01, 0x43}, {0x09, 0x44}, {0x77, 0x45}, {0x7e, 0x46}, {0x6c, 0x47}, {0x75, 0x48},
    {0x7d, 0x49}, {0x7b, 0x4a}, {0x6b, 0x4b}, {0x73, 0x4c}, {0x74, 0x4d}, {0x79, 0x4e},
    {0x69, 0x4f}, {0x72, 0x50}, {0x7a, 0x51}, {0x70, 0x52}, {0x71, 0x53}, {0x84, 0x54},
    {0x61, 0x56}, {0x78, 0x57}, {0x07, 0x58},
    /* extended keys' second bytes (sent after 0xe0) */
    {0x1f, 0x5b}, {0x27, 0x5c}, {0x2f, 0x5d}, {0x37, 0x5e}, {0x3f, 0x5f}, {0x5e, 0x63},
};

uint8_t i8042_translate(uint8_t set2)
{
    for (unsigned i = 0; i < sizeof xlate_pairs / sizeof xlate_pairs[0]; i++)
        if (xlate_pairs[i][0] == set2)
            return xlate_pairs[i][1];
    /* Prefixes and replies (0xe0, 0xe1, 0xfa, 0xaa, 0xee, 0xfe ...) pass. */
    return set2 >= 0x80 ? set2 : 0;
}

static uint8_t untranslate(uint8_t set1)
{
    for (unsigned i = 0; i < sizeof xlate_pairs / sizeof xlate_pairs[0]; i++)
        if (xlate_pairs[i][1] == set1)
            return xlate_pairs[i][0];
    return 0;
}

/* ---- byte queues ----------------------------------------------------------- */

static int q_put(struct i8042_queue *q, uint8_t b, uint8_t aux)
{
    if (q->count >= I8042_QUEUE_SIZE)
        return -1;
    unsigned i = (q->head + q->count) % I8042_QUEUE_SIZE;
    q->data[i] = b;
    q->aux[i] = aux;
    q->count++;
    return 0;
}

static uint8_t q_get(struct i8042_queue *q, uint8_t *aux)
{
    uint8_t b = q->data[q->head];
    if (aux)
        *aux = q->aux[q->head];
    q->head = (q->head + 1) % I8042_QUEUE_SIZE;
    q->count--;
    return b;
}

static unsigned q_free(const struct i8042_queue *q)
{
    return I8042_QUEUE_SIZE - q->count;
}

/* ---- the controller's output buffer ---------------------------------------- */

static void update_irqs(struct i8042 *k)
{
    int obf = k->status & I8042_STR_OBF, aux = k->status & I8042_STR_AUXDATA;
    int lk = obf && !aux && (k->ram[0] & I8042_CTR_KBDINT);
    int la = obf && aux && (k->ram[0] & I8042_CTR_AUXINT);
    if (lk != k->level_kbd) {
        k->level_kbd = lk;
        irq_set(&k->irq_kbd, lk);
    }
    if (la != k->level_aux) {
        k->level_aux = la;
        irq_set(&k->irq_aux, la);
    }
}

static void mouse_flush(struct i8042 *k);

/* Moves the next byte into the empty output buffer. */
static void fill(struct i8042 *k)
{
    if (!(k->status & I8042_STR_OBF))
        mouse_flush(k);
    while (!(k->status & I8042_STR_OBF)) {
        uint8_t aux = 0, b;
        if (k->ctrl.count) {
            b = q_get(&k->ctrl, &aux);
        } else if (k->kbd.q.count && !(k->ram[0] & I8042_CTR_KBDDIS)) {
            b = q_get(&k->kbd.q, NULL);
            if (k->ram[0] & I8042_CTR_XLATE) {
                if (b == 0xf0) {
                    k->xlate_break = 1;
                    continue;
                }
                b = i8042_translate(b);
                if (k->xlate_break) {
                    b |= 0x80;
                    k->xlate_break = 0;
                }
            }
        } else if (k->mouse.q.count && !(k->ram[0] & I8042_CTR_AUXDIS)) {
            b = q_get(&k->mouse.q, NULL);
            aux = 1;
        } else {
            break;
        }
        k->obuf = b;
        k->status |= I8042_STR_OBF;
        if (aux)
            k->status |= I8042_STR_AUXDATA;
        else
            k->status &= (uint8_t)~I8042_STR_AUXDATA;
    }
    update_irqs(k);
}

static void ctrl_reply(struct i8042 *k, uint8_t b, int aux)
{
    q_put(&k->ctrl, b, (uint8_t)aux);
}

static void set_outport(struct i8042 *k, uint8_t v)
{
    uint8_t old = k->outport;
    k->outport = v;
    if (k->set_a20)
        k->set_a20(k->opaque, !!(v & OUT_A20));
    if (!(v & OUT_RESET) && (old & OUT_RESET) && k->request_reset)
        k->request_reset(k->opaque);
    k->outport |= OUT_RESET;       /* the CPU comes back out of reset */
}

/* ---- PS/2 keyboard ------------------------------------------------------------ */

static void kbd_send(struct i8042 *k, uint8_t b)
{
    k->kbd.last = b;
    q_put(&k->kbd.q, b, 0);
}

static void kbd_defaults(struct ps2_kbd *kb)
{
    kb->scancode_set = 2;
    kb->typematic = 0x2b;          /* 10.9 cps, 500 ms */
    kb->set3_typematic = 1;        /* set 3's per-key defaults are not modelled */
    kb->scanning = 1;
    kb->pending = 0;
}

/* ---- typematic ------------------------------------------------------------------ */

/* The 0xf3 byte: delay (bits 5-6 + 1) * 250 ms, period (8 + bits 0-2) *
 * 2^(bits 3-4) * 4.17 ms (IBM keyboard technical reference). */
static uint64_t typematic_delay(uint8_t t)
{
    return (uint64_t)(((t >> 5) & 3) + 1) * 250000000u;
}

static uint64_t typematic_period(uint8_t t)
{
    return (uint64_t)((8u + (t & 7)) << ((t >> 3) & 3)) * 4170000u;
}

static void repeat_stop(struct i8042 *k)
{
    k->kbd.repeat_code = 0;
    timer_del(&k->repeat_timer);
}

static int key_repeats(const struct ps2_kbd *kb, uint16_t code)
{
    return code != 0xe114 && (kb->scancode_set != 3 || kb->set3_typematic);
}

/* Only the last key pressed repeats, so a press always ends the old repeat. */
static void repeat_start(struct i8042 *k, uint16_t code)
{
    repeat_stop(k);
    if (!key_repeats(&k->kbd, code))
        return;
    k->kbd.repeat_code = code;
    k->repeat_due = vclock_now(k->clock) + typematic_delay(k->kbd.typematic);
    timer_mod(&k->repeat_timer, k->repeat_due);
}

/* The commands that empty the keyboard's buffer also forget the last
 * typematic key (IBM keyboard technical reference). */
static void kbd_flush(struct i8042 *k)
{
    k->kbd.q.count = 0;
    repeat_stop(k);
}

static void kbd_write(struct i8042 *k, uint8_t v)
{
    struct ps2_kbd *kb = &k->kbd;
    if (kb->pending) {
        uint8_t cmd = kb->pending;
        kb->pending = 0;
        switch (cmd) {
        case 0xed:
            kb->leds = v & 7;
            kbd_send(k, 0xfa);
            return;
        case 0xf3:
            kb->typematic = v & 0x7f;
            kbd_send(k, 0xfa);
            return;
        case 0xf0:
            if (v == 0) {
                kbd_send(k, 0xfa);
                kbd_send(k, kb->scancode_set);
            } else if (v <= 3) {
                repeat_stop(k);        /* like 0xf4-0xf6, it forgets the typematic key */
                kb->scancode_set = v;
                kbd_send(k, 0xfa);
            } else {
                kbd_send(k, 0xfe);
            }
            return;
        }
    }
    switch (v) {
    case 0xed: case 0xf3: case 0xf0:
        kb->pending = v;
        kbd_send(k, 0xfa);
        break;
    case 0xee:
        kbd_send(k, 0xee);
        break;
    case 0xf2:
        kbd_send(k, 0xfa);
        kbd_send(k, 0xab);
        kbd_send(k, 0x83);
        break;
    case 0xf4:
        kbd_flush(k);
        kb->scanning = 1;
        kbd_send(k, 0xfa);
        break;
    case 0xf5:
        kbd_defaults(kb);
        kb->scanning = 0;
        kbd_flush(k);
        kbd_send(k, 0xfa);
        break;
    case 0xf6:
        kbd_defaults(kb);
        kbd_flush(k);
        kbd_send(k, 0xfa);
        break;
    case 0xf7: case 0xf8: case 0xf9: case 0xfa:
        /* set 3 all-key types: only whether keys repeat is modelled */
        kb->set3_typematic = v == 0xf7 || v == 0xfa;
        kbd_send(k, 0xfa);
        break;
    case 0xfb: case 0xfc: case 0xfd:
        kbd_send(k, 0xfa);         /* set 3 per-key types: accepted, not modelled */
        break;
    case 0xfe:
        q_put(&kb->q, kb->last, 0);
        break;
    case 0xff:
        kbd_defaults(kb);
        kb->leds = 0;
        kbd_flush(k);
        kbd_send(k, 0xfa);
        kbd_send(k, 0xaa);         /* basic assurance test passed */
        break;
    default:
        kbd_send(k, 0xfe);
        break;
    }
}

static void queue_pause(struct ps2_kbd *kb)
{
    static const uint8_t pause2[8] = { 0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77 };
    static const uint8_t pause1[6] = { 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5 };
    if (kb->scancode_set == 1)
        for (int i = 0; i < 6; i++)
            q_put(&kb->q, pause1[i], 0);
    else
        for (int i = 0; i < 8; i++)
            q_put(&kb->q, pause2[i], 0);
}

/* Queues a key's make or break bytes in the current set. Returns 0 if the
 * key has no code there. */
static int queue_key(struct ps2_kbd *kb, uint16_t code, int pressed)
{
    int ext = (code >> 8) == 0xe0;
    uint8_t c = (uint8_t)code;
    if (kb->scancode_set == 1) {
        uint8_t s1 = i8042_translate(c);
        if (!s1)
            return 0;
        if (ext)
            q_put(&kb->q, 0xe0, 0);
        q_put(&kb->q, (uint8_t)(s1 | (pressed ? 0 : 0x80)), 0);
        return 1;
    }
    /* sets 2 and 3: set 3's table is not modelled, set 2 codes go out */
    if (ext)
        q_put(&kb->q, 0xe0, 0);
    if (!pressed)
        q_put(&kb->q, 0xf0, 0);
    q_put(&kb->q, c, 0);
    return 1;
}

/* A real keyboard stores only one repeat while the controller holds it
 * off, so a repeat that finds bytes still waiting is dropped: a guest that
 * stops reading gets no backlog of repeats. */
static void repeat_cb(void *opaque)
{
    struct i8042 *k = opaque;
    struct ps2_kbd *kb = &k->kbd;
    if (!kb->repeat_code || !kb->scanning)
        return;
    if (!kb->q.count) {
        queue_key(kb, kb->repeat_code, 1);
        fill(k);
    }
    /* From the due time, not now, so a late run neither drifts the rate nor
     * loses repeats; the check above keeps a catch-up from piling them up. */
    k->repeat_due += typematic_period(kb->typematic);
    timer_mod(&k->repeat_timer, k->repeat_due);
}

void i8042_key(struct i8042 *k, uint16_t code, int pressed)
{
    struct ps2_kbd *kb = &k->kbd;
    if (!pressed && code == kb->repeat_code)
        repeat_stop(k);            /* even if the break itself is dropped */
    if (!kb->scanning || q_free(&kb->q) < 8)
        return;
    if (code == 0xe114) {          /* Pause: a make sequence only, no break */
        if (!pressed)
            return;
        queue_pause(kb);
        repeat_start(k, code);
    } else if (queue_key(kb, code, pressed) && pressed) {
        repeat_start(k, code);
    }
    fill(k);
}

void i8042_key_set1(struct i8042 *k, uint16_t set1_code, int pressed)
{
    if (set1_code == 0xe11d) {
        i8042_key(k, 0xe114, pressed);
        return;
    }
    uint8_t s2 = untranslate((uint8_t)(set1_code & 0x7f));
    if (!s2)
        return;
    i8042_key(k, (uint16_t)((set1_code & 0xff00) | s2), pressed);
}

/* ---- held keys (i8042_key_hold) ---------------------------------------------- */

static void release_held(struct i8042 *k)
{
    timer_del(&k->hold_timer);
    while (k->nheld > 0)
        i8042_key(k, k->held[--k->nheld], 0);
}

static void hold_cb(void *opaque)
{
    release_held(opaque);
}

void i8042_key_hold(struct i8042 *k, const uint16_t *codes, int n, uint64_t hold_ns)
{
    release_held(k);
    if (n > I8042_HOLD_MAX)
        n = I8042_HOLD_MAX;
    for (int i = 0; i < n; i++) {
        k->held[i] = codes[i];
        i8042_key(k, codes[i], 1);
    }
    k->nheld = n;
    if (n > 0)
        timer_mod(&k->hold_timer, vclock_now(k->clock) + hold_ns);
}

/* ---- PS/2 mouse ---------------------------------------------------------------- */

static void mouse_send(struct i8042 *k, uint8_t b)
{
    k->mouse.last = b;
    q_put(&k->mouse.q, b, 0);
}

static void mouse_defaults(struct ps2_mouse *m)
{
    m->rate = 100;
    m->resolution = 2;
    m->scaling21 = 0;
    m->remote = 0;
    m->reporting = 0;
    m->pending = 0;
    m->dx = m->dy = m->dz = 0;
}

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* 2:1 scaling of stream reports (PS/2 mouse technical reference). */
static int scale21(int d)
{
    static const int small[6] = { 0, 1, 1, 3, 6, 9 };
    int a = d < 0 ? -d : d;
    int s = a < 6 ? small[a] : 2 * a;
    return d < 0 ? -s : s;
}

/* Queues one movement packet from the pending motion. */
static void mouse_packet(struct i8042 *k)
{
    struct ps2_mouse *m = &k->mouse;
    int dx = clamp(m->dx, -256, 255), dy = clamp(m->dy, -256, 255);
    int sx = dx, sy = dy;
    uint8_t b0 = 0x08 | (m->buttons & 7);
    m->dx -= dx;
    m->dy -= dy;
    if (m->scaling21 && !m->remote) {
        sx = scale21(dx);
        sy = scale21(dy);
        if (sx < -256 || sx > 255) b0 |= 0x40;
        if (sy < -256 || sy > 255) b0 |= 0x80;
        sx = clamp(sx, -256, 255);
        sy = clamp(sy, -256, 255);
    }
    if (sx < 0) b0 |= 0x10;
    if (sy < 0) b0 |= 0x20;
    mouse_send(k, b0);
    mouse_send(k, (uint8_t)sx);
    mouse_send(k, (uint8_t)sy);
    if (m->id == 3) {
        int dz = clamp(m->dz, -8, 7);
        mouse_send(k, (uint8_t)(dz & 0xff));
        m->dz -= dz;
    } else if (m->id == 4) {
        int dz = clamp(m->dz, -8, 7);
        mouse_send(k, (uint8_t)((dz & 0x0f) | (m->buttons & 0x18) << 1));
        m->dz -= dz;
    } else {
        m->dz = 0;
    }
    m->sent_buttons = m->buttons;
}

/* Stream mode: report what is pending while there is room. */
static void mouse_flush(struct i8042 *k)
{
    struct ps2_mouse *m = &k->mouse;
    if (m->remote || !m->reporting || m->wrap)
        return;
    while ((m->dx || m->dy || m->dz || m->buttons != m->sent_buttons) && q_free(&m->q) >= 4 &&
           m->q.count < 16)
        mouse_packet(k);
}

void i8042_mouse_motion(struct i8042 *k, int dx, int dy, int dz, unsigned buttons)
{
    struct ps2_mouse *m = &k->mouse;
    m->buttons = (uint8_t)(buttons & 0x1f);
    if (!m->remote && !m->reporting) {     /* stream mode, disabled: nothing counts */
        m->sent_buttons = m->buttons;
        return;
    }
    m->dx = clamp(m->dx + dx, -4096, 4096);
    m->dy = clamp(m->dy - dy, -4096, 4096);
    m->dz = clamp(m->dz + dz, -64, 64);
    mouse_flush(k);
    fill(k);
}

static void mouse_write(struct i8042 *k, uint8_t v)
{
    struct ps2_mouse *m = &k->mouse;
    if (m->wrap && v != 0xec && v != 0xff) {
        mouse_send(k, v);
        return;
    }
    if (m->pending) {
        uint8_t cmd = m->pending;
        m->pending = 0;
        if (cmd == 0xf3) {
            m->rate = v;
            m->rate_hist[0] = m->rate_hist[1];
            m->rate_hist[1] = m->rate_hist[2];
            m->rate_hist[2] = v;
            if (m->rate_hist[0] == 200 && m->rate_hist[1] == 100 && m->rate_hist[2] == 80 && m->id == 0)
                m->id = 3;
            else if (m->rate_hist[0] == 200 && m->rate_hist[1] == 200 && m->rate_hist[2] == 80 &&
                     m->id == 3)
                m->id = 4;
        } else if (cmd == 0xe8) {
            m->resolution = v & 3;
        }
        mouse_send(k, 0xfa);
        return;
    }
    switch (v) {
    case 0xe6: m->scaling21 = 0; mouse_send(k, 0xfa); break;
    case 0xe7: m->scaling21 = 1; mouse_send(k, 0xfa); break;
    case 0xe8: case 0xf3:
        m->pending = v;
        mouse_send(k, 0xfa);
        break;
    case 0xe9: {
        uint8_t st = (uint8_t)((m->remote ? 0x40 : 0) | (m->reporting ? 0x20 : 0) |
                               (m->scaling21 ? 0x10 : 0) | (m->buttons & 1 ? 4 : 0) |
                               (m->buttons & 4 ? 2 : 0) | (m->buttons & 2 ? 1 : 0));
        mouse_send(k, 0xfa);
        mouse_send(k, st);
        mouse_send(k, m->resolution);
        mouse_send(k, m->rate);
        break;
    }
    case 0xea: m->remote = 0; m->dx = m->dy = m->dz = 0; mouse_send(k, 0xfa); break;
    case 0xeb:
        mouse_send(k, 0xfa);
        mouse_packet(k);
        break;
    case 0xec: m->wrap = 0; mouse_send(k, 0xfa); break;
    case 0xee: m->wrap = 1; mouse_send(k, 0xfa); break;
    case 0xf0: m->remote = 1; m->dx = m->dy = m->dz = 0; mouse_send(k, 0xfa); break;
    case 0xf2:
        mouse_send(k, 0xfa);
        mouse_send(k, m->id);
        break;
    case 0xf4: m->reporting = 1; mouse_send(k, 0xfa); break;
    case 0xf5: m->reporting = 0; m->dx = m->dy = m->dz = 0; mouse_send(k, 0xfa); break;
    case 0xf6: mouse_defaults(m); mouse_send(k, 0xfa); break;
    case 0xfe: q_put(&m->q, m->last, 0); break;
    case 0xff:
        mouse_defaults(m);
        m->q.count = 0;
        m->wrap = 0;
        m->id = 0;
        mouse_send(k, 0xfa);
        mouse_send(k, 0xaa);
        mouse_send(k, 0x00);
        break;
    default:
        mouse_send(k, 0xfe);
        break;
    }
}

/* ---- ports ------------------------------------------------------------------ */

static uint8_t outport_value(struct i8042 *k)
{
    uint8_t v = k->outport & (uint8_t)~(OUT_OBF_KBD | OUT_OBF_AUX);
    if (k->status & I8042_STR_OBF)
        v |= (k->status & I8042_STR_AUXDATA) ? OUT_OBF_AUX : OUT_OBF_KBD;
    return v;
}

static void controller_command(struct i8042 *k, uint8_t c)
{
    if (c >= 0x20 && c <= 0x3f) {
        ctrl_reply(k, k->ram[c & 0x1f], 0);
    } else if ((c >= 0x60 && c <= 0x7f) || c == 0xd1 || c == 0xd2 || c == 0xd3 || c == 0xd4) {
        k->pending = c;
    } else if (c >= 0xf0) {
        if (!(c & 1)) {            /* bit 0 of the mask: pulse the reset line */
            if (k->request_reset)
                k->request_reset(k->opaque);
        }
    } else {
        switch (c) {
        case 0xa7: k->ram[0] |= I8042_CTR_AUXDIS; break;
        case 0xa8: k->ram[0] &= (uint8_t)~I8042_CTR_AUXDIS; break;
        case 0xa9: ctrl_reply(k, 0x00, 0); break;
        case 0xaa:
            k->status |= I8042_STR_SYS;
            ctrl_reply(k, 0x55, 0);
            break;
        case 0xab: ctrl_reply(k, 0x00, 0); break;
        case 0xad: k->ram[0] |= I8042_CTR_KBDDIS; break;
        case 0xae: k->ram[0] &= (uint8_t)~I8042_CTR_KBDDIS; break;
        case 0xc0: ctrl_reply(k, 0x80, 0); break;     /* input port: keyboard not inhibited */
        case 0xd0: ctrl_reply(k, outport_value(k), 0); break;
        case 0xdd: set_outport(k, k->outport & (uint8_t)~OUT_A20); break;
        case 0xdf: set_outport(k, k->outport | OUT_A20); break;
        case 0xe0: ctrl_reply(k, 0x00, 0); break;
        default: break;            /* unknown commands are ignored */
        }
    }
}

static void controller_data(struct i8042 *k, uint8_t v)
{
    uint8_t c = k->pending;
    k->pending = 0;
    if (c >= 0x60 && c <= 0x7f) {
        k->ram[c & 0x1f] = v;
        if (c == 0x60) {
            if (v & I8042_CTR_SYS)
                k->status |= I8042_STR_SYS;
            else
                k->status &= (uint8_t)~I8042_STR_SYS;
        }
        return;
    }
    switch (c) {
    case 0xd1: set_outport(k, v); break;
    case 0xd2: q_put(&k->ctrl, v, 0); break;
    case 0xd3: q_put(&k->ctrl, v, 1); break;
    case 0xd4:
        k->ram[0] &= (uint8_t)~I8042_CTR_AUXDIS;   /* talking to a port enables it */
        mouse_write(k, v);
        break;
    default:
        k->ram[0] &= (uint8_t)~I8042_CTR_KBDDIS;
        kbd_write(k, v);
        break;
    }
}

static uint32_t i8042_read(void *opaque, uint16_t port, int size)
{
    struct i8042 *k = opaque;
    (void)size;
    if (port == I8042_CMD_PORT)
        return k->status;
    uint8_t v = k->obuf;
    k->status &= (uint8_t)~(I8042_STR_OBF | I8042_STR_AUXDATA);
    update_irqs(k);                /* the line drops, so the next byte is a new edge */
    fill(k);
    return v;
}

static void i8042_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    struct i8042 *k = opaque;
    (void)size;
    if (port == I8042_CMD_PORT) {
        k->status |= I8042_STR_CMD;
        k->pending = 0;
        controller_command(k, (uint8_t)val);
    } else {
        k->status &= (uint8_t)~I8042_STR_CMD;
        controller_data(k, (uint8_t)val);
    }
    fill(k);
}

void i8042_reset(struct i8042 *k)
{
    memset(k->ram, 0, sizeof k->ram);
    k->ram[0] = I8042_CTR_KBDINT | I8042_CTR_XLATE;
    k->status = I8042_STR_UNLOCKED;
    k->outport = OUT_RESET | OUT_A20;
    k->obuf = 0;
    k->pending = 0;
    k->xlate_break = 0;
    memset(&k->ctrl, 0, sizeof k->ctrl);
    timer_del(&k->repeat_timer);
    timer_del(&k->hold_timer);     /* held keys are forgotten, not released */
    k->nheld = 0;
    memset(&k->kbd, 0, sizeof k->kbd);
    kbd_defaults(&k->kbd);
    memset(&k->mouse, 0, sizeof k->mouse);
    mouse_defaults(&k->mouse);
    update_irqs(k);
}

int i8042_init(struct i8042 *k, struct iobus *bus, struct vclock *clock,
               const struct irq_line *irq_kbd, const struct irq_line *irq_aux,
               void (*set_a20)(void *opaque, int on), void (*request_reset)(void *opaque),
               void *opaque)
{
    memset(k, 0, sizeof *k);
    k->clock = clock;
    timer_init(&k->repeat_timer, clock, repeat_cb, k);
    timer_init(&k->hold_timer, clock, hold_cb, k);
    if (irq_kbd)
        k->irq_kbd = *irq_kbd;
    if (irq_aux)
        k->irq_aux = *irq_aux;
    k->set_a20 = set_a20;
    k->request_reset = request_reset;
    k->opaque = opaque;
    i8042_reset(k);
    if (io_register(bus, I8042_DATA_PORT, 1, IO_W8, i8042_read, i8042_write, k, "i8042"))
        return -1;
    return io_register(bus, I8042_CMD_PORT, 1, IO_W8, i8042_read, i8042_write, k, "i8042");
}
