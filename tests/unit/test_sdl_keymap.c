/* The SDL scancode -> set 1 table (src/ui/sdl_keymap.c): every key of the
 * 104-key PC layout (and the ISO 105th) has a code, no two keys share one,
 * a few codes checked against the PC AT scan code chart, and every code is
 * one the keyboard controller model can take back to set 2. */
#include "ui/sdl_keymap.h"
#include "devices/i8042.h"
#include <SDL_scancode.h>
#include <stdio.h>

static int passed, failed;
#define CHECK(c) do { if (c) passed++; else { failed++; printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); } } while (0)

/* The keys of a US 104-key keyboard plus the ISO key beside left Shift. */
static const SDL_Scancode pc105[] = {
    SDL_SCANCODE_ESCAPE, SDL_SCANCODE_F1, SDL_SCANCODE_F2, SDL_SCANCODE_F3, SDL_SCANCODE_F4,
    SDL_SCANCODE_F5, SDL_SCANCODE_F6, SDL_SCANCODE_F7, SDL_SCANCODE_F8, SDL_SCANCODE_F9,
    SDL_SCANCODE_F10, SDL_SCANCODE_F11, SDL_SCANCODE_F12,
    SDL_SCANCODE_PRINTSCREEN, SDL_SCANCODE_SCROLLLOCK, SDL_SCANCODE_PAUSE,
    SDL_SCANCODE_GRAVE, SDL_SCANCODE_1, SDL_SCANCODE_2, SDL_SCANCODE_3, SDL_SCANCODE_4,
    SDL_SCANCODE_5, SDL_SCANCODE_6, SDL_SCANCODE_7, SDL_SCANCODE_8, SDL_SCANCODE_9,
    SDL_SCANCODE_0, SDL_SCANCODE_MINUS, SDL_SCANCODE_EQUALS, SDL_SCANCODE_BACKSPACE,
    SDL_SCANCODE_TAB, SDL_SCANCODE_Q, SDL_SCANCODE_W, SDL_SCANCODE_E, SDL_SCANCODE_R,
    SDL_SCANCODE_T, SDL_SCANCODE_Y, SDL_SCANCODE_U, SDL_SCANCODE_I, SDL_SCANCODE_O,
    SDL_SCANCODE_P, SDL_SCANCODE_LEFTBRACKET, SDL_SCANCODE_RIGHTBRACKET, SDL_SCANCODE_BACKSLASH,
    SDL_SCANCODE_CAPSLOCK, SDL_SCANCODE_A, SDL_SCANCODE_S, SDL_SCANCODE_D, SDL_SCANCODE_F,
    SDL_SCANCODE_G, SDL_SCANCODE_H, SDL_SCANCODE_J, SDL_SCANCODE_K, SDL_SCANCODE_L,
    SDL_SCANCODE_SEMICOLON, SDL_SCANCODE_APOSTROPHE, SDL_SCANCODE_RETURN,
    SDL_SCANCODE_LSHIFT, SDL_SCANCODE_NONUSBACKSLASH, SDL_SCANCODE_Z, SDL_SCANCODE_X,
    SDL_SCANCODE_C, SDL_SCANCODE_V, SDL_SCANCODE_B, SDL_SCANCODE_N, SDL_SCANCODE_M,
    SDL_SCANCODE_COMMA, SDL_SCANCODE_PERIOD, SDL_SCANCODE_SLASH, SDL_SCANCODE_RSHIFT,
    SDL_SCANCODE_LCTRL, SDL_SCANCODE_LGUI, SDL_SCANCODE_LALT, SDL_SCANCODE_SPACE,
    SDL_SCANCODE_RALT, SDL_SCANCODE_RGUI, SDL_SCANCODE_APPLICATION, SDL_SCANCODE_RCTRL,
    SDL_SCANCODE_INSERT, SDL_SCANCODE_HOME, SDL_SCANCODE_PAGEUP, SDL_SCANCODE_DELETE,
    SDL_SCANCODE_END, SDL_SCANCODE_PAGEDOWN, SDL_SCANCODE_UP, SDL_SCANCODE_LEFT,
    SDL_SCANCODE_DOWN, SDL_SCANCODE_RIGHT,
    SDL_SCANCODE_NUMLOCKCLEAR, SDL_SCANCODE_KP_DIVIDE, SDL_SCANCODE_KP_MULTIPLY,
    SDL_SCANCODE_KP_MINUS, SDL_SCANCODE_KP_7, SDL_SCANCODE_KP_8, SDL_SCANCODE_KP_9,
    SDL_SCANCODE_KP_PLUS, SDL_SCANCODE_KP_4, SDL_SCANCODE_KP_5, SDL_SCANCODE_KP_6,
    SDL_SCANCODE_KP_1, SDL_SCANCODE_KP_2, SDL_SCANCODE_KP_3, SDL_SCANCODE_KP_ENTER,
    SDL_SCANCODE_KP_0, SDL_SCANCODE_KP_PERIOD,
};
#define N_PC105 (sizeof pc105 / sizeof pc105[0])

static void test_layout_covered(void)
{
    CHECK(N_PC105 == 105);
    for (size_t i = 0; i < N_PC105; i++) {
        if (!sdl_scancode_to_set1(pc105[i]))
            printf("  no code for SDL scancode %d\n", (int)pc105[i]);
        CHECK(sdl_scancode_to_set1(pc105[i]) != 0);
        for (size_t j = 0; j < i; j++)
            CHECK(sdl_scancode_to_set1(pc105[i]) != sdl_scancode_to_set1(pc105[j]));
    }
}

static void test_known_codes(void)
{
    CHECK(sdl_scancode_to_set1(SDL_SCANCODE_A) == 0x1e);
    CHECK(sdl_scancode_to_set1(SDL_SCANCODE_RETURN) == 0x1c);
    CHECK(sdl_scancode_to_set1(SDL_SCANCODE_KP_ENTER) == 0xe01c);
    CHECK(sdl_scancode_to_set1(SDL_SCANCODE_F11) == 0x57);
    CHECK(sdl_scancode_to_set1(SDL_SCANCODE_UP) == 0xe048);
    CHECK(sdl_scancode_to_set1(SDL_SCANCODE_PRINTSCREEN) == 0xe037);
    CHECK(sdl_scancode_to_set1(SDL_SCANCODE_PAUSE) == 0xe11d);
    CHECK(sdl_scancode_to_set1(SDL_SCANCODE_NONUSHASH) == 0x2b);   /* same position as \ */
    CHECK(sdl_scancode_to_set1(SDL_SCANCODE_UNKNOWN) == 0);
    CHECK(sdl_scancode_to_set1(-1) == 0 && sdl_scancode_to_set1(SDL_NUM_SCANCODES) == 0);
}

/* The controller model turns set 1 back into set 2 through its translation
 * table: a code it cannot map would be a key the guest never sees. (The
 * Japanese keys and keypad = are left out: the model's table has no
 * entries for them yet.) */
static void test_codes_reach_the_keyboard(void)
{
    for (size_t i = 0; i < N_PC105; i++) {
        uint16_t code = sdl_scancode_to_set1(pc105[i]);
        if (code == 0xe11d)         /* Pause: its own sequence, not a translated code */
            continue;
        CHECK((code & 0x80) == 0 && ((code >> 8) == 0 || (code >> 8) == 0xe0));
        int found = 0;
        for (int s2 = 1; s2 < 0x100 && !found; s2++)
            found = i8042_translate((uint8_t)s2) == (code & 0x7f);
        if (!found)
            printf("  set 1 code %#x has no set 2 code\n", code);
        CHECK(found);
    }
}

int main(void)
{
    test_layout_covered();
    test_known_codes();
    test_codes_reach_the_keyboard();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
