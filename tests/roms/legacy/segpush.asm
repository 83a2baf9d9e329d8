; segpush.asm -- PUSH/POP of ES CS SS DS FS GS with 16- and 32-bit operand
; size, MOV to and from segment registers, and the interrupt/trap shadow of
; POP SS and MOV SS (PUSH/POP ES CS SS DS are invalid in 64-bit mode).
;
; From the SDM:
; - PUSH Sreg with a 32-bit operand size moves (E)SP by 4; the low word is
;   the selector and the upper word is either zero or left unmodified, so
;   only the low word is checked.
; - POP Sreg with a 32-bit operand size pops 4 bytes and loads the low word.
; - MOV r32, Sreg: "For the Pentium 4, Intel Xeon, and P6 family processors,
;   the two high-order bytes are filled with zeros" -- relic models a P6.
; - MOV m16, Sreg stores 16 bits whatever the operand size.
; - MOV Sreg with Sreg = CS (load) or a reg field of 6 or 7 is #UD.
; - POP SS / MOV SS inhibit interrupts, debug exceptions and single-step
;   traps until the end of the next instruction: with TF set, the first
;   #DB comes after the instruction that follows the SS load.
; - Protected mode: a null selector may be loaded into DS/ES/FS/GS, but
;   into SS it is #GP(0); a selector past the GDT limit is #GP(selector).
%define TEST_NAME "segpush"
%include "legacy.inc"

MEM     equ SCRATCH

%macro EXPECT_SREG 2            ; sreg, value (via AX)
        mov ax, %1
        EXPECT ax, %2
%endmacro

; TF_ON: set TF with POPF; the first trap comes after the instruction that
; follows the POPF.
%macro TF_ON 0
        pushf
        pop ax
        or ax, 0x0100
        push ax
        popf
%endmacro

        bits 16
main16:
        STEP 1                  ; PUSH Sreg, 16-bit: SP - 2, the selector
        mov ax, 0x1111
        mov es, ax
        mov ax, 0x3333
        mov fs, ax
        mov ax, 0x4444
        mov gs, ax
        push es
        EXPECT sp, RM_STACK - 2
        pop ax
        EXPECT ax, 0x1111
        push cs
        pop ax
        EXPECT ax, ROMSEG
        push ss
        pop ax
        EXPECT ax, 0
        push fs
        pop ax
        EXPECT ax, 0x3333
        push gs
        EXPECT sp, RM_STACK - 2
        pop ax
        EXPECT ax, 0x4444
        mov ax, 0x2222
        mov ds, ax
        push ds
        xor ax, ax
        mov ds, ax
        pop ax
        EXPECT ax, 0x2222

        STEP 2                  ; PUSH Sreg, 32-bit: SP - 4, low word = selector
        mov dword [RM_STACK - 4], 0xA5A5A5A5
        o32 push es
        EXPECT sp, RM_STACK - 4
        EXPECT word [RM_STACK - 4], 0x1111
        add sp, 4
        o32 push cs
        EXPECT sp, RM_STACK - 4
        EXPECT word [RM_STACK - 4], ROMSEG
        add sp, 4
        o32 push gs
        EXPECT word [RM_STACK - 4], 0x4444
        add sp, 4
        o32 push ss
        EXPECT word [RM_STACK - 4], 0
        add sp, 4
        mov ax, 0x5555
        mov ds, ax
        o32 push ds
        xor ax, ax
        mov ds, ax
        EXPECT sp, RM_STACK - 4
        EXPECT word [RM_STACK - 4], 0x5555
        add sp, 4

        STEP 3                  ; POP Sreg, 16-bit: selector and base
        push word 0x1000
        pop es
        mov word [es:0x0020], 0xBEEF            ; linear 0x10020
        push word 0x1002
        pop fs
        EXPECT_SREG fs, 0x1002
        EXPECT word [fs:0x0000], 0xBEEF         ; 0x10020 seen as 1002:0000
        push word 0x0FFF
        pop gs
        EXPECT word [gs:0x0030], 0xBEEF         ; 0x0FFF0 + 0x30
        push word 0x1001
        pop ds
        EXPECT word [0x0010], 0xBEEF
        push word 0
        pop ds
        EXPECT sp, RM_STACK

        STEP 4                  ; POP Sreg, 32-bit: ESP + 4, upper word ignored
        push dword 0xDEAD1002
        o32 pop es
        EXPECT sp, RM_STACK
        EXPECT_SREG es, 0x1002
        EXPECT word [es:0x0000], 0xBEEF
        push dword 0xFFFF0FFF
        o32 pop gs
        EXPECT sp, RM_STACK
        EXPECT word [gs:0x0030], 0xBEEF
        push dword 0x77770000
        o32 pop ss
        EXPECT sp, RM_STACK
        EXPECT_SREG ss, 0

        STEP 5                  ; MOV Sreg, r/m16 and MOV r/m16, Sreg
        mov ax, 0x1001
        mov es, ax
        EXPECT word [es:0x0010], 0xBEEF
        mov word [MEM], 0x0FFF
        mov fs, [MEM]
        EXPECT word [fs:0x0030], 0xBEEF
        mov dword [MEM], 0x12345678
        mov [MEM], fs
        EXPECT dword [MEM], 0x12340FFF          ; 16-bit store
        mov dword [MEM], 0x12345678
        o32 mov [MEM], es                       ; still a 16-bit store
        EXPECT dword [MEM], 0x12341001
        mov dx, 0x0FFF
        mov ebx, 0xFFFF1002
        mov gs, ebx                             ; 66 8E: low word loaded
        EXPECT word [gs:0x0000], 0xBEEF
        mov gs, dx
        EXPECT word [gs:0x0030], 0xBEEF

        STEP 6                  ; MOV r32, Sreg zero-extends on P6
        mov eax, 0xFFFFFFFF
        mov eax, es
        EXPECT eax, 0x00001001
        mov ecx, 0x87654321
        mov ecx, cs
        EXPECT ecx, 0x0000F000
        mov edx, 0xFFFFFFFF
        mov dx, gs                              ; 16-bit form: upper half kept
        EXPECT edx, 0xFFFF0FFF

        STEP 7                  ; MOV CS, r/m16 and Sreg 6/7: #UD
        ARM_EXC .r7a
.i7a:   db 0x8E, 0xC8           ; mov cs, ax
        FAIL
.r7a:   CHECK_EXC 6, .i7a
        ARM_EXC .r7b
.i7b:   db 0x8E, 0xF0           ; mov sreg6, ax
        FAIL
.r7b:   CHECK_EXC 6, .i7b
        ARM_EXC .r7c
.i7c:   db 0x8C, 0xF8           ; mov ax, sreg7
        FAIL
.r7c:   CHECK_EXC 6, .i7c

        STEP 8                  ; baseline: TF traps after the first instruction
        ARM_EXC .r8
        TF_ON
        nop
.a8:    nop
        FAIL
.r8:    CHECK_EXC 1, .a8

        STEP 9                  ; POP SS: no trap until after the next instruction
        push ss
        ARM_EXC .r9
        TF_ON
        pop ss
.n9:    nop
.a9:    nop
        FAIL
.r9:    CHECK_EXC 1, .a9

        STEP 10                 ; MOV SS, AX likewise
        mov ax, ss
        ARM_EXC .r10
        TF_ON
        mov ss, ax
        mov cx, 5
.a10:   nop
        FAIL
.r10:   CHECK_EXC 1, .a10
        EXPECT cx, 5

        GO_PM32
; ---------------------------------------------------------------- 32-bit PM
        STEP 11                 ; PUSH Sreg in 32-bit code: ESP - 4
        mov esp, PM_STACK
        mov dword [PM_STACK - 4], 0xA5A5A5A5
        push ds
        EXPECT esp, PM_STACK - 4
        EXPECT word [PM_STACK - 4], SEL_DATA
        pop eax
        push cs
        EXPECT word [PM_STACK - 4], SEL_CODE32
        pop eax
        o16 push ss
        EXPECT esp, PM_STACK - 2
        EXPECT word [PM_STACK - 2], SEL_DATA
        o16 pop es
        EXPECT esp, PM_STACK
        EXPECT_SREG es, SEL_DATA

        STEP 12                 ; POP Sreg with a null selector: allowed, not SS
        push dword 0
        pop es
        EXPECT_SREG es, 0
        push dword 3            ; null with RPL 3: still a null selector
        pop fs
        EXPECT_SREG fs, 3
        push dword SEL_DATA
        pop es
        push dword SEL_DATA
        pop fs
        mov ebx, esp
        push dword 0
        ARM_EXC .r12
.i12:   pop ss
        FAIL
.r12:   CHECK_EXC 13, .i12, 0
        lea eax, [ebx - 4]
        EXPECT esp, eax         ; a fault: ESP not yet incremented
        EXPECT_SREG ss, SEL_DATA
        add esp, 4

        STEP 13                 ; selector beyond the GDT limit: #GP(selector)
        push dword 0x0800       ; first selector past GDT_LIMIT
        ARM_EXC .r13
.i13:   pop gs
        FAIL
.r13:   CHECK_EXC 13, .i13, 0x0800
        add esp, 4
        ARM_EXC .r13b
        mov ax, 0
.i13b:  mov ss, ax
        FAIL
.r13b:  CHECK_EXC 13, .i13b, 0
        ARM_EXC .r13c
        mov ax, SEL_CODE32      ; a code segment is not a writable stack
.i13c:  mov ss, ax
        FAIL
.r13c:  CHECK_EXC 13, .i13c, SEL_CODE32

        STEP 14                 ; MOV r32, Sreg zero-extends (P6)
        mov eax, 0xFFFFFFFF
        mov eax, ds
        EXPECT eax, SEL_DATA
        mov esi, 0xFFFFFFFF
        mov esi, cs
        EXPECT esi, SEL_CODE32
        mov dword [MEM], 0xFFFFFFFF
        mov [MEM], ss
        EXPECT dword [MEM], 0xFFFF0000 | SEL_DATA

        PASS
        ROM_END
