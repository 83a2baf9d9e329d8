/* Headless UI backend (see ui.h). It remembers the last frame and text
 * screen it was shown, which is what screen dumps will read. */
#include "ui.h"
#include <stdlib.h>

struct headless {
    struct ui ui;
    struct ui_frame last_frame;     /* pixels belong to the display adapter */
    struct ui_text last_text;
    int have_frame, have_text;
};

static void headless_present(struct ui *ui, const struct ui_frame *frame)
{
    struct headless *h = ui->priv;
    h->last_frame = *frame;
    h->have_frame = 1;
    h->have_text = 0;
}

static void headless_present_text(struct ui *ui, const struct ui_text *text)
{
    struct headless *h = ui->priv;
    h->last_text = *text;
    h->have_text = 1;
    h->have_frame = 0;
}

static int headless_poll(struct ui *ui, struct ui_event *ev)
{
    (void)ui;
    ev->type = UI_EV_NONE;
    return 0;
}

static void headless_free(struct ui *ui)
{
    free(ui->priv);
}

static const struct ui_ops headless_ops = {
    .name = "none",
    .present = headless_present,
    .present_text = headless_present_text,
    .poll = headless_poll,
    .free = headless_free,
};

struct ui *ui_headless_create(void)
{
    struct headless *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->ui.ops = &headless_ops;
    h->ui.priv = h;
    return &h->ui;
}
