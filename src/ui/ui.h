/* The user interface backend: shows what the display adapter produces and
 * hands back the user's input. The machine owns the loop: it passes frames
 * (or, in text mode, character cells) to present_* and polls events between
 * CPU slices. Backends know nothing of the guest beyond these structs.
 *
 * Two backends: headless (no window; CI and servers) and SDL2 (a desktop
 * window with scaling, fullscreen and mouse grab). */
#ifndef RELIC_UI_H
#define RELIC_UI_H
#include <stdint.h>
#include <stddef.h>

/* A graphics frame: 32-bit pixels 0x00RRGGBB, rows stride pixels apart.
 * Rows [dirty_y0, dirty_y1) changed since the previous frame. */
struct ui_frame {
    int width, height, stride;
    const uint32_t *pixels;
    int dirty_y0, dirty_y1;
    int aspect_w, aspect_h;         /* the picture's shape on a monitor, e.g. 4:3 */
};

/* A text screen: cells hold character | attribute << 8 (VGA layout). */
struct ui_text {
    int cols, rows;
    const uint16_t *cells;
    int cursor_col, cursor_row, cursor_visible;
};

enum ui_event_type { UI_EV_NONE, UI_EV_KEY, UI_EV_MOUSE, UI_EV_QUIT };

struct ui_event {
    enum ui_event_type type;
    uint16_t scancode;              /* KEY: PS/2 set 1; 0xe0xx for extended keys */
    uint8_t down;                   /* KEY: pressed (1) or released (0) */
    int16_t dx, dy, dz;             /* MOUSE: relative motion and wheel */
    uint8_t buttons;                /* MOUSE: bit 0 left, 1 right, 2 middle */
};

struct ui;

struct ui_ops {
    const char *name;
    void (*present)(struct ui *ui, const struct ui_frame *frame);
    void (*present_text)(struct ui *ui, const struct ui_text *text);
    /* Stores the next pending event in *ev and returns 1, or returns 0. */
    int (*poll)(struct ui *ui, struct ui_event *ev);
    /* The guest stopped (1) or runs again (0); may be NULL. */
    void (*set_paused)(struct ui *ui, int paused);
    void (*free)(struct ui *ui);
};

struct ui {
    const struct ui_ops *ops;
    void *priv;                     /* the backend's own state */
    /* > 0: the backend shows frames, wants at most one this many ms apart,
     * and must be polled at least as often; 0: it needs neither. */
    int frame_ms;
};

/* No window: frames are accepted (and kept for screen dumps later), no
 * input ever arrives. Returns NULL only if memory runs out. */
struct ui *ui_headless_create(void);

/* An SDL2 window titled title (the state, paused or grabbed, is added to
 * it), fullscreen from the start if asked. Only this call touches SDL.
 * Returns NULL with a one-line message in err when no window can be
 * opened (no display). */
struct ui *ui_sdl_create(int full_screen, const char *title, char *err, size_t errlen);

static inline void ui_present(struct ui *ui, const struct ui_frame *f) { ui->ops->present(ui, f); }
static inline void ui_present_text(struct ui *ui, const struct ui_text *t) { ui->ops->present_text(ui, t); }
static inline int ui_poll(struct ui *ui, struct ui_event *ev) { return ui->ops->poll(ui, ev); }
static inline void ui_set_paused(struct ui *ui, int p) { if (ui->ops->set_paused) ui->ops->set_paused(ui, p); }
static inline void ui_free(struct ui *ui) { if (ui) ui->ops->free(ui); }
#endif
