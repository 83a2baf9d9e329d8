/* SDL scancodes (USB HID usages: where a key sits, whatever the host's
 * layout) to PC scan codes set 1, which is what struct ui_event carries.
 * Mapping positions rather than symbols lets the guest apply its own
 * keyboard layout, as a real keyboard would. */
#ifndef RELIC_SDL_KEYMAP_H
#define RELIC_SDL_KEYMAP_H
#include <stdint.h>

/* The set 1 make code of an SDL_Scancode (0xe0xx for extended keys,
 * 0xe11d for Pause), or 0 for keys a PC keyboard does not have. */
uint16_t sdl_scancode_to_set1(int sdl_scancode);
#endif
