/* SDL2 UI backend (see ui.h): a resizable window showing the frames at
 * their monitor shape, keyboard and mouse input as PC scan codes and
 * relative motion, and the host keys QEMU's SDL window offers:
 *   Ctrl-Alt-G  grab or release the mouse (a click in the window grabs it)
 *   Ctrl-Alt-F  fullscreen on or off
 *   Ctrl-Alt-U  back to the frame's natural window size
 * Closing the window ends relic, as in QEMU. */
#include "ui.h"
#include "sdl_keymap.h"
#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FRAME_MS 16                 /* about 60 frames a second at most */
#define PUMP_MS 4                   /* reading the X connection costs; not every slice */
#define QUEUE_LEN 256               /* a power of two */
#define HOTKEY_MOD (KMOD_LCTRL | KMOD_LALT)   /* QEMU's default grab modifier */

struct sdl_ui {
    struct ui ui;
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Texture *tex;
    int tex_w, tex_h;               /* the frame size the texture holds */
    int aspect_w, aspect_h;
    int paused, grabbed;
    char title[64];                 /* the title without the state */
    unsigned buttons;               /* the guest's view of the mouse buttons */
    uint32_t last_pump;             /* SDL_GetTicks of the last read of SDL's queue */
    uint8_t down[SDL_NUM_SCANCODES];     /* keys the guest has seen pressed */
    uint8_t swallowed[SDL_NUM_SCANCODES];/* hotkeys: their release is not the guest's either */
    struct ui_event queue[QUEUE_LEN];
    unsigned head, tail;            /* free-running; tail - head events queued */
};

/* ---- the event queue between SDL's and the machine's ---- */

static int queue_room(const struct sdl_ui *s)
{
    return QUEUE_LEN - (int)(s->tail - s->head);
}

static void push(struct sdl_ui *s, const struct ui_event *ev)
{
    if (queue_room(s) > 0)
        s->queue[s->tail++ % QUEUE_LEN] = *ev;
}

static int16_t clamp16(int v)
{
    return (int16_t)(v > INT16_MAX ? INT16_MAX : v < INT16_MIN ? INT16_MIN : v);
}

/* Motion piles up faster than the guest reads it: one queued event per
 * button state is enough, so consecutive moves merge. */
static void push_mouse(struct sdl_ui *s, int dx, int dy, int dz)
{
    if (s->tail != s->head) {
        struct ui_event *last = &s->queue[(s->tail - 1) % QUEUE_LEN];
        if (last->type == UI_EV_MOUSE && last->buttons == s->buttons) {
            last->dx = clamp16(last->dx + dx);
            last->dy = clamp16(last->dy + dy);
            last->dz = clamp16(last->dz + dz);
            return;
        }
    }
    push(s, &(struct ui_event){ .type = UI_EV_MOUSE, .dx = clamp16(dx), .dy = clamp16(dy),
                                .dz = clamp16(dz), .buttons = (uint8_t)s->buttons });
}

static void push_key(struct sdl_ui *s, SDL_Scancode sc, int down)
{
    uint16_t code = sdl_scancode_to_set1(sc);
    if (!code || s->down[sc] == down)
        return;
    s->down[sc] = (uint8_t)down;
    push(s, &(struct ui_event){ .type = UI_EV_KEY, .scancode = code, .down = (uint8_t)down });
}

/* Focus went elsewhere: the guest would otherwise keep keys held whose
 * release the host window never sees (Alt of Alt-Tab). */
static void release_all_keys(struct sdl_ui *s)
{
    for (int sc = 0; sc < SDL_NUM_SCANCODES; sc++)
        if (s->down[sc])
            push_key(s, (SDL_Scancode)sc, 0);
}

/* ---- window state ---- */

static void update_title(struct sdl_ui *s)
{
    char title[128];
    snprintf(title, sizeof title, "%s%s%s", s->title, s->paused ? " - paused" : "",
             s->grabbed ? " - press Ctrl-Alt-G to release the mouse" : "");
    SDL_SetWindowTitle(s->win, title);
}

/* Grabbed, the keyboard is the guest's too: Alt-Tab and the like go to it
 * (SDL_HINT_GRAB_KEYBOARD), and only Ctrl-Alt-G gets the host back. */
static void set_grab(struct sdl_ui *s, int grab)
{
    if (SDL_SetRelativeMouseMode(grab ? SDL_TRUE : SDL_FALSE) < 0)
        grab = 0;
    SDL_SetWindowGrab(s->win, grab ? SDL_TRUE : SDL_FALSE);
    s->grabbed = grab;
    update_title(s);
}

static int is_fullscreen(const struct sdl_ui *s)
{
    return (SDL_GetWindowFlags(s->win) & SDL_WINDOW_FULLSCREEN) != 0;
}

/* The window size a frame gets by default: small modes doubled, the
 * height following the picture's shape (720x400 text shows at 720x540). */
static void natural_size(const struct sdl_ui *s, int *w, int *h)
{
    int fw = s->tex_w ? s->tex_w : 720;
    *w = fw < 640 ? fw * 2 : fw;
    *h = *w * s->aspect_h / s->aspect_w;
}

static void restore_size(struct sdl_ui *s)
{
    if (is_fullscreen(s) || (SDL_GetWindowFlags(s->win) & SDL_WINDOW_MAXIMIZED))
        return;
    int w, h;
    natural_size(s, &w, &h);
    SDL_SetWindowSize(s->win, w, h);
}

/* Draws the last frame as large as the window allows at its shape,
 * centred, with black bars where the shapes differ. */
static void redraw(struct sdl_ui *s)
{
    int ow, oh;
    if (SDL_GetRendererOutputSize(s->ren, &ow, &oh) < 0 || ow <= 0 || oh <= 0)
        return;
    SDL_SetRenderDrawColor(s->ren, 0, 0, 0, 255);
    SDL_RenderClear(s->ren);
    if (s->tex) {
        SDL_Rect r;
        if ((long)ow * s->aspect_h > (long)oh * s->aspect_w) {
            r.h = oh;
            r.w = (int)((long)oh * s->aspect_w / s->aspect_h);
        } else {
            r.w = ow;
            r.h = (int)((long)ow * s->aspect_h / s->aspect_w);
        }
        r.x = (ow - r.w) / 2;
        r.y = (oh - r.h) / 2;
        SDL_RenderCopy(s->ren, s->tex, NULL, &r);
    }
    SDL_RenderPresent(s->ren);
}

static void toggle_fullscreen(struct sdl_ui *s)
{
    SDL_SetWindowFullscreen(s->win, is_fullscreen(s) ? 0 : SDL_WINDOW_FULLSCREEN_DESKTOP);
    if (!is_fullscreen(s))
        restore_size(s);
    redraw(s);
}

/* ---- SDL events ---- */

static void hotkey_grab(struct sdl_ui *s) { set_grab(s, !s->grabbed); }

static const struct hotkey {
    SDL_Scancode key;
    void (*action)(struct sdl_ui *s);
} hotkeys[] = {
    { SDL_SCANCODE_G, hotkey_grab },
    { SDL_SCANCODE_F, toggle_fullscreen },
    { SDL_SCANCODE_U, restore_size },
};

/* Ctrl-Alt-<key> the host acts on: neither press nor release reaches the
 * guest (which has seen Ctrl and Alt go down, and will see them go up). */
static int take_hotkey(struct sdl_ui *s, const SDL_KeyboardEvent *k)
{
    SDL_Scancode sc = k->keysym.scancode;
    if (k->type == SDL_KEYUP) {
        int was = s->swallowed[sc];
        s->swallowed[sc] = 0;
        return was;
    }
    if ((k->keysym.mod & HOTKEY_MOD) != HOTKEY_MOD)
        return 0;
    for (size_t i = 0; i < sizeof hotkeys / sizeof hotkeys[0]; i++)
        if (hotkeys[i].key == sc) {
            s->swallowed[sc] = 1;
            if (!k->repeat)
                hotkeys[i].action(s);
            return 1;
        }
    return 0;
}

static void on_key(struct sdl_ui *s, const SDL_KeyboardEvent *k)
{
    if (take_hotkey(s, k) || k->repeat)   /* the guest keyboard repeats by itself */
        return;
    push_key(s, k->keysym.scancode, k->type == SDL_KEYDOWN);
}

static unsigned button_bit(uint8_t sdl_button)
{
    static const unsigned bits[] = {
        [SDL_BUTTON_LEFT] = 1u << 0, [SDL_BUTTON_RIGHT] = 1u << 1, [SDL_BUTTON_MIDDLE] = 1u << 2,
        [SDL_BUTTON_X1] = 1u << 3, [SDL_BUTTON_X2] = 1u << 4,
    };
    return sdl_button < sizeof bits / sizeof bits[0] ? bits[sdl_button] : 0;
}

static void on_button(struct sdl_ui *s, const SDL_MouseButtonEvent *b)
{
    if (!s->grabbed) {
        /* the click that grabs is the host's, not the guest's */
        if (b->type == SDL_MOUSEBUTTONDOWN && b->button == SDL_BUTTON_LEFT)
            set_grab(s, 1);
        return;
    }
    unsigned bit = button_bit(b->button);
    unsigned now = b->type == SDL_MOUSEBUTTONDOWN ? s->buttons | bit : s->buttons & ~bit;
    if (now != s->buttons) {
        s->buttons = now;
        push_mouse(s, 0, 0, 0);
    }
}

static void on_window(struct sdl_ui *s, const SDL_WindowEvent *w)
{
    switch (w->event) {
    case SDL_WINDOWEVENT_FOCUS_LOST:
        release_all_keys(s);
        if (s->grabbed)
            set_grab(s, 0);
        break;
    case SDL_WINDOWEVENT_EXPOSED:
    case SDL_WINDOWEVENT_SIZE_CHANGED:
        redraw(s);
        break;
    }
}

static void on_event(struct sdl_ui *s, const SDL_Event *e)
{
    switch (e->type) {
    case SDL_QUIT:
        push(s, &(struct ui_event){ .type = UI_EV_QUIT });
        break;
    case SDL_KEYDOWN:
    case SDL_KEYUP:
        on_key(s, &e->key);
        break;
    case SDL_MOUSEMOTION:
        if (s->grabbed)
            push_mouse(s, e->motion.xrel, e->motion.yrel, 0);
        break;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        on_button(s, &e->button);
        break;
    case SDL_MOUSEWHEEL:
        if (s->grabbed) {
            int away = e->wheel.direction == SDL_MOUSEWHEEL_FLIPPED ? -e->wheel.y : e->wheel.y;
            push_mouse(s, 0, 0, -away);
        }
        break;
    case SDL_WINDOWEVENT:
        on_window(s, &e->window);
        break;
    }
}

/* Reads SDL's queue into ours, keeping room for a burst such as the
 * releases of a focus loss. */
static void pump(struct sdl_ui *s)
{
    uint32_t now = SDL_GetTicks();
    if (now - s->last_pump < PUMP_MS)
        return;
    s->last_pump = now;
    SDL_Event e;
    while (queue_room(s) > 16 + 8 && SDL_PollEvent(&e))
        on_event(s, &e);
}

/* ---- the ui_ops ---- */

static int sdl_poll(struct ui *ui, struct ui_event *ev)
{
    struct sdl_ui *s = ui->priv;
    if (s->head == s->tail)
        pump(s);
    if (s->head == s->tail)
        return 0;
    *ev = s->queue[s->head++ % QUEUE_LEN];
    return 1;
}

static int resize_texture(struct sdl_ui *s, int w, int h)
{
    if (s->tex && s->tex_w == w && s->tex_h == h)
        return 0;
    if (s->tex)
        SDL_DestroyTexture(s->tex);
    /* RGB888 is SDL's name for 32-bit 0x00RRGGBB words: the frame as is */
    s->tex = SDL_CreateTexture(s->ren, SDL_PIXELFORMAT_RGB888, SDL_TEXTUREACCESS_STREAMING, w, h);
    s->tex_w = s->tex ? w : 0;
    s->tex_h = s->tex ? h : 0;
    return s->tex ? 1 : -1;
}

static void sdl_present(struct ui *ui, const struct ui_frame *f)
{
    struct sdl_ui *s = ui->priv;
    if (f->width <= 0 || f->height <= 0)
        return;
    int aw = f->aspect_w > 0 ? f->aspect_w : 4, ah = f->aspect_h > 0 ? f->aspect_h : 3;
    int new_shape = aw != s->aspect_w || ah != s->aspect_h;
    s->aspect_w = aw;
    s->aspect_h = ah;
    int resized = resize_texture(s, f->width, f->height);
    if (resized < 0)
        return;
    if (resized || new_shape)       /* a mode change: the window follows, as QEMU's does */
        restore_size(s);
    SDL_UpdateTexture(s->tex, NULL, f->pixels, f->stride * (int)sizeof f->pixels[0]);
    redraw(s);
}

/* Text screens arrive as frames too (the machine renders them). */
static void sdl_present_text(struct ui *ui, const struct ui_text *text)
{
    (void)ui; (void)text;
}

static void sdl_set_paused(struct ui *ui, int paused)
{
    struct sdl_ui *s = ui->priv;
    s->paused = paused;
    update_title(s);
}

static void sdl_free(struct ui *ui)
{
    struct sdl_ui *s = ui->priv;
    if (s->tex)
        SDL_DestroyTexture(s->tex);
    if (s->ren)
        SDL_DestroyRenderer(s->ren);
    if (s->win)
        SDL_DestroyWindow(s->win);
    SDL_Quit();
    free(s);
}

static const struct ui_ops sdl_ops = {
    .name = "sdl",
    .present = sdl_present,
    .present_text = sdl_present_text,
    .poll = sdl_poll,
    .set_paused = sdl_set_paused,
    .free = sdl_free,
};

/* Left alone, SDL falls back to its off-screen driver where there is no
 * display, and relic would run with a window nobody sees: only the
 * drivers of a display the environment names are tried, unless the user
 * picked one with SDL_VIDEODRIVER. */
static int init_video(void)
{
    static const struct { const char *env, *driver; } displays[] = {
        { "DISPLAY", "x11" }, { "WAYLAND_DISPLAY", "wayland" },
    };
    if (getenv("SDL_VIDEODRIVER"))
        return SDL_Init(SDL_INIT_VIDEO);
    SDL_SetError("no display (DISPLAY and WAYLAND_DISPLAY are unset)");
    for (size_t i = 0; i < sizeof displays / sizeof displays[0]; i++) {
        if (!getenv(displays[i].env))
            continue;
        SDL_SetHint(SDL_HINT_VIDEODRIVER, displays[i].driver);
        if (SDL_Init(SDL_INIT_VIDEO) == 0)
            return 0;
        SDL_SetError("%s=%s cannot be reached", displays[i].env, getenv(displays[i].env));
    }
    return -1;
}

static int open_window(struct sdl_ui *s, int full_screen)
{
    /* relic handles SIGINT/SIGTERM itself; SDL would turn them into a quit event */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    /* smooth scaling: text scaled by a fraction stays legible */
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "linear");
    SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
    SDL_SetHint(SDL_HINT_GRAB_KEYBOARD, "1");
    if (init_video() < 0)
        return -1;
    int w, h;
    natural_size(s, &w, &h);
    Uint32 flags = SDL_WINDOW_RESIZABLE | (full_screen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
    s->win = SDL_CreateWindow(s->title, SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, w, h, flags);
    if (!s->win)
        return -1;
    /* no vsync: presenting must never hold up the guest */
    s->ren = SDL_CreateRenderer(s->win, -1, 0);
    if (!s->ren)
        return -1;
    SDL_StopTextInput();            /* keys are scan codes to us: no IME, no text events */
    redraw(s);
    return 0;
}

struct ui *ui_sdl_create(int full_screen, const char *title, char *err, size_t errlen)
{
    struct sdl_ui *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->ui.ops = &sdl_ops;
    s->ui.priv = s;
    s->ui.frame_ms = FRAME_MS;
    s->aspect_w = 4;
    s->aspect_h = 3;
    snprintf(s->title, sizeof s->title, "%s", title);
    if (open_window(s, full_screen) < 0) {
        snprintf(err, errlen, "cannot open a window: %s", SDL_GetError());
        sdl_free(&s->ui);
        return NULL;
    }
    return &s->ui;
}
