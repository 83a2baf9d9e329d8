; a20.asm -- the A20 gate through System Control Port A (0x92, bit 1):
; with A20 masked, address bit 20 is forced to 0 (1 MiB wraparound in real
; mode, aliasing of odd megabytes in protected mode); with it enabled the
; addresses are distinct; port 0x92 reads back the gate state.
%define TEST_NAME "a20"
%define REAL_MAIN
%define ALSO_MAIN32
%include "sys.inc"

LOW             equ 0x0500          ; free low memory (no BIOS here)

        bits 16
; A20 on/off without touching bit 0 (writing 1 there resets the CPU).
a20_off:
        in al, 0x92
        and al, 0xFC
        out 0x92, al
        ret
a20_on:
        in al, 0x92
        and al, 0xFE
        or al, 2
        out 0x92, al
        ret

main16:
        STEP 1, "real mode, A20 off: 0x92 bit 1 reads 0, FFFF:0510 wraps to 0x500"
        call a20_off
        in al, 0x92
        movzx eax, al
        and eax, 2
        CHECK eax, 0
        mov byte [LOW], 0x11
        mov ax, 0xFFFF
        mov es, ax
        mov byte [es:LOW + 0x10], 0xAB      ; linear 0x100500 -> 0x000500
        movzx eax, byte [LOW]
        CHECK eax, 0xAB

        STEP 2, "real mode, A20 on: bit reads 1, FFFF:0510 is 0x100500"
        call a20_on
        in al, 0x92
        movzx eax, al
        and eax, 2
        CHECK eax, 2
        mov byte [es:LOW + 0x10], 0xCD
        movzx eax, byte [LOW]
        CHECK eax, 0xAB                     ; low copy untouched
        movzx eax, byte [es:LOW + 0x10]
        CHECK eax, 0xCD
        jmp sys_goto_pm32                   ; leaves A20 on

        bits 32
main32:
        STEP 3, "protected mode, A20 on: 1 MiB + x and x are distinct"
        mov dword [0x108000], 0x11111111
        mov dword [0x008000], 0x22222222
        CHECK [0x108000], 0x11111111
        movzx eax, byte [0x100500]          ; written via FFFF:0510 in step 2
        CHECK eax, 0xCD

        STEP 4, "protected mode, A20 off: bit 20 is masked (x | 1 MiB -> x)"
        in al, 0x92
        and al, 0xFC
        out 0x92, al
        in al, 0x92
        movzx eax, al
        and eax, 2
        CHECK eax, 0
        mov dword [0x108000], 0x33333333    ; lands at 0x008000
        CHECK [0x008000], 0x33333333
        mov dword [0x308010], 0x44444444    ; 3 MiB + x -> 2 MiB + x
        CHECK [0x208010], 0x44444444
        mov dword [0x208020], 0x55555555    ; bit 21 is not masked
        mov dword [0x008020], 0x66666666
        CHECK [0x208020], 0x55555555

        STEP 5, "A20 on again: the aliases separate"
        in al, 0x92
        and al, 0xFE
        or al, 2
        out 0x92, al
        in al, 0x92
        movzx eax, al
        and eax, 2
        CHECK eax, 2
        CHECK [0x108000], 0x11111111        ; the real 1 MiB copy is intact
        CHECK [0x008000], 0x33333333
        mov dword [0x308010], 0x77777777
        CHECK [0x208010], 0x44444444
        CHECK [0x308010], 0x77777777
        PASS

        ROM_END
