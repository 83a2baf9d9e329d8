; into.asm -- INTO (invalid in 64-bit mode).
;
; SDM INTO: IF OF = 1 THEN the processor takes interrupt 4 (#OF); #OF is a
; trap, so the saved IP is the instruction after INTO and returning with
; IRET continues there.  With OF = 0 nothing happens.  Checked in real mode
; (IVT) and in 32-bit protected mode (IDT interrupt gate).  INT3 and INT 3
; are checked alongside as the other trap-class software interrupts.
%define TEST_NAME "into"
%include "legacy.inc"

CNT     equ V_USER              ; dw: calls of the test's own handlers

; Set OF without touching the other flags the checks look at.
%macro SET_OF 0
        push ax
        mov al, 0x7F
        add al, 1
        pop ax
%endmacro
%macro CLEAR_OF 0
        push ax
        xor al, al
        pop ax
%endmacro

        bits 16
main16:
        STEP 1                  ; OF = 0: no interrupt
        CLEAR_OF
        into
        mov al, 0x7F
        add al, 0x80            ; 0x7F + 0x80: no signed overflow
        into

        STEP 2                  ; OF = 1: #OF trap, IP after INTO
        SET_OF
        ARM_EXC .r2
        into
.a2:    FAIL
.r2:    CHECK_EXC 4, .a2
        VARS_ON
        test word [V_EXC_FL], 0x0800    ; the image has OF set
        jz .bad2
        cmp word [V_EXC_CS], ROMSEG
        jne .bad2
        VARS_OFF
        jmp .ok2
.bad2:  FAIL
.ok2:

        STEP 3                  ; a real handler: IRET resumes after INTO
        mov word [4 * 4], own_handler16
        mov word [4 * 4 + 2], ROMSEG
        mov word [CNT], 0
        mov ecx, 0x12345678
        SET_OF
        into
        into                    ; OF is still set after the IRET
        EXPECT_FLAGS 0x0800, 0x0800
        EXPECT word [CNT], 2
        EXPECT ecx, 0x12345678
        CLEAR_OF
        into
        EXPECT word [CNT], 2

        STEP 4                  ; INT3 (CC) and INT 3 (CD 03): traps too
        ARM_EXC .r4
        int3
.a4:    FAIL
.r4:    CHECK_EXC 3, .a4
        ARM_EXC .r4b
        db 0xCD, 0x03
.a4b:   FAIL
.r4b:   CHECK_EXC 3, .a4b

        GO_PM32
; ---------------------------------------------------------------- 32-bit PM
        STEP 5
        CLEAR_OF
        into
        SET_OF
        ARM_EXC .r5
        into
.a5:    FAIL
.r5:    CHECK_EXC 4, .a5, 0
        cmp word [V_EXC_CS], SEL_CODE32
        je .c5
        FAIL
.c5:    test dword [V_EXC_FL], 0x0800
        jnz .f5
        FAIL
.f5:

        STEP 6                  ; own PM handler, IRETD back after INTO
        mov eax, own_handler32
        mov [IDT_BASE + 4 * 8], ax
        mov word [IDT_BASE + 4 * 8 + 2], SEL_CODE32
        mov word [IDT_BASE + 4 * 8 + 4], 0x8F00    ; 32-bit trap gate
        shr eax, 16
        mov [IDT_BASE + 4 * 8 + 6], ax
        mov word [CNT], 0
        SET_OF
        into
        into
        EXPECT word [CNT], 2
        CLEAR_OF
        into
        EXPECT word [CNT], 2

        PASS

        bits 16
own_handler16:
        push ds
        push word 0
        pop ds
        inc word [CNT]
        pop ds
        iret

        bits 32
own_handler32:
        inc word [CNT]
        iretd

        ROM_END
