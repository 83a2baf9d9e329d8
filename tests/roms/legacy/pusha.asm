; pusha.asm -- PUSHA/POPA and PUSHAD/POPAD (invalid in 64-bit mode).
;
; SDM PUSHA: Temp := (E)SP; push (E)AX, (E)CX, (E)DX, (E)BX, Temp, (E)BP,
; (E)SI, (E)DI.  POPA pops in the reverse order and discards the (E)SP slot
; (the SDM: "increment ESP by 2/4, skip next word/doubleword of stack").
; The stack-address size (SS.B) picks SP or ESP; the operand size picks the
; slot width.  In real mode the stack is 16-bit: SP wraps at 64 KiB and the
; upper half of ESP is left alone, but PUSHAD still pushes all of ESP
; (Temp := ESP).  Only even SP values are used: the SDM gives SP = 1, 3, 5
; (and on the 386, 7..15 odd) special treatment in real mode.
%define TEST_NAME "pusha"
%include "legacy.inc"

SEG2    equ 0x2000              ; real-mode stack segment for the wrap tests
WRAPBASE equ SEG2 * 16

%macro LOAD16 0                 ; distinct values in every register
        mov eax, 0xA1A2A3A4
        mov ecx, 0xC1C2C3C4
        mov edx, 0xD1D2D3D4
        mov ebx, 0xB1B2B3B4
        mov ebp, 0xE1E2E3E4
        mov esi, 0x51525354
        mov edi, 0x71727374
%endmacro

        bits 16
main16:
        STEP 1                  ; PUSHA: order and the original SP
        LOAD16
        mov sp, 0x6000
        pusha
        EXPECT sp, 0x6000 - 16
        EXPECT word [0x6000 - 2], 0xA3A4        ; AX first
        EXPECT word [0x6000 - 4], 0xC3C4
        EXPECT word [0x6000 - 6], 0xD3D4
        EXPECT word [0x6000 - 8], 0xB3B4
        EXPECT word [0x6000 - 10], 0x6000       ; SP before the first push
        EXPECT word [0x6000 - 12], 0xE3E4
        EXPECT word [0x6000 - 14], 0x5354
        EXPECT word [0x6000 - 16], 0x7374       ; DI last
        mov word [0x6000 - 18], 0x5A5A          ; untouched below

        STEP 2                  ; POPA: reverse order, the SP slot ignored
        mov word [0x6000 - 10], 0x1111          ; must not reach SP
        xor eax, eax
        xor ecx, ecx
        xor edx, edx
        xor ebx, ebx
        xor ebp, ebp
        xor esi, esi
        xor edi, edi
        popa
        EXPECT sp, 0x6000
        EXPECT ax, 0xA3A4
        EXPECT cx, 0xC3C4
        EXPECT dx, 0xD3D4
        EXPECT bx, 0xB3B4
        EXPECT bp, 0xE3E4
        EXPECT si, 0x5354
        EXPECT di, 0x7374
        EXPECT eax, 0x0000A3A4                  ; 16-bit pops keep the upper halves
        EXPECT edi, 0x00007374

        STEP 3                  ; PUSHAD in real mode: 32-bit slots, all of ESP
        LOAD16
        mov esp, 0x00006000
        pushad
        EXPECT esp, 0x00006000 - 32
        EXPECT dword [0x6000 - 4], 0xA1A2A3A4
        EXPECT dword [0x6000 - 8], 0xC1C2C3C4
        EXPECT dword [0x6000 - 12], 0xD1D2D3D4
        EXPECT dword [0x6000 - 16], 0xB1B2B3B4
        EXPECT dword [0x6000 - 20], 0x00006000
        EXPECT dword [0x6000 - 24], 0xE1E2E3E4
        EXPECT dword [0x6000 - 28], 0x51525354
        EXPECT dword [0x6000 - 32], 0x71727374

        STEP 4                  ; POPAD
        mov dword [0x6000 - 20], 0x22222222
        xor eax, eax
        xor ecx, ecx
        xor edx, edx
        xor ebx, ebx
        xor ebp, ebp
        xor esi, esi
        xor edi, edi
        popad
        EXPECT esp, 0x00006000
        EXPECT eax, 0xA1A2A3A4
        EXPECT ecx, 0xC1C2C3C4
        EXPECT edx, 0xD1D2D3D4
        EXPECT ebx, 0xB1B2B3B4
        EXPECT ebp, 0xE1E2E3E4
        EXPECT esi, 0x51525354
        EXPECT edi, 0x71727374

        STEP 5                  ; 16-bit stack: ESP[31:16] kept, Temp = ESP
        LOAD16
        mov esp, 0x12346000
        pushad
        EXPECT esp, 0x12346000 - 32
        EXPECT dword [0x6000 - 20], 0x12346000
        popad
        EXPECT esp, 0x12346000
        EXPECT ebx, 0xB1B2B3B4
        mov esp, 0xFFFF6000
        pusha
        EXPECT esp, 0xFFFF6000 - 16
        EXPECT word [0x6000 - 10], 0x6000       ; Temp is SP for PUSHA
        popa
        EXPECT esp, 0xFFFF6000
        mov esp, RM_STACK

        STEP 6                  ; SP = 0: the first push wraps to 0xFFFE
        mov ax, SEG2
        mov ss, ax
        mov ax, 0x1000
        mov es, ax
        mov dword [es:0xFFFC], 0x99999999      ; linear 0x1FFFC..: the wrong place
        LOAD16
        mov sp, 0
        pusha
        EXPECT sp, 0xFFF0
        mov ax, 0x2000
        mov ds, ax
        EXPECT word [0xFFFE], 0xA3A4
        EXPECT word [0xFFF6], 0x0000            ; original SP
        EXPECT word [0xFFF0], 0x7374
        EXPECT dword [es:0xFFFC], 0x99999999
        xor ax, ax
        mov ds, ax
        popa                    ; SP 0xFFF0 -> wraps to 0
        EXPECT sp, 0
        EXPECT ax, 0xA3A4
        EXPECT di, 0x7374

        STEP 7                  ; SP = 4: the wrap falls inside the sequence
        LOAD16
        mov sp, 4
        pusha
        EXPECT sp, 0xFFF4
        mov ax, SEG2
        mov ds, ax
        EXPECT word [0x0002], 0xA3A4            ; AX at 2
        EXPECT word [0x0000], 0xC3C4            ; CX at 0
        EXPECT word [0xFFFE], 0xD3D4            ; DX wrapped to 0xFFFE
        EXPECT word [0xFFFA], 0x0004            ; original SP
        EXPECT word [0xFFF4], 0x7374
        xor ax, ax
        mov ds, ax
        popa
        EXPECT sp, 4
        EXPECT dx, 0xD3D4
        EXPECT cx, 0xC3C4
        EXPECT ax, 0xA3A4
        LOAD16
        mov esp, 8              ; PUSHAD across the wrap as well
        pushad
        EXPECT esp, 0x0000FFE8
        mov ax, SEG2
        mov ds, ax
        EXPECT dword [0x0004], 0xA1A2A3A4
        EXPECT dword [0x0000], 0xC1C2C3C4
        EXPECT dword [0xFFFC], 0xD1D2D3D4
        EXPECT dword [0xFFF4], 0x00000008
        xor ax, ax
        mov ds, ax
        popad
        EXPECT esp, 8
        EXPECT edx, 0xD1D2D3D4
        xor ax, ax
        mov ss, ax
        mov esp, RM_STACK

        GO_PM32
; ---------------------------------------------------------------- 32-bit PM
        STEP 8                  ; PUSHAD/POPAD with a 32-bit stack
        LOAD16
        mov esp, 0x00120000
        pushad
        EXPECT esp, 0x00120000 - 32
        EXPECT dword [0x120000 - 4], 0xA1A2A3A4
        EXPECT dword [0x120000 - 20], 0x00120000
        EXPECT dword [0x120000 - 32], 0x71727374
        mov dword [0x120000 - 20], 0x33333333
        xor eax, eax
        xor edi, edi
        popad
        EXPECT esp, 0x00120000
        EXPECT eax, 0xA1A2A3A4
        EXPECT edi, 0x71727374

        STEP 9                  ; o16 PUSHA with a 32-bit stack: 16-bit slots, ESP-=16
        LOAD16
        mov esp, 0x00120000
        pushaw
        EXPECT esp, 0x00120000 - 16
        EXPECT word [0x120000 - 2], 0xA3A4
        EXPECT word [0x120000 - 10], 0x0000     ; low half of the original ESP
        EXPECT word [0x120000 - 16], 0x7374
        mov ebx, 0xFFFFFFFF
        popaw
        EXPECT esp, 0x00120000
        EXPECT ebx, 0xFFFFB3B4                  ; only BX reloaded
        mov esp, PM_STACK

        PASS
        ROM_END
