; bound.asm -- BOUND r16,m16&16 and r32,m32&32 (invalid in 64-bit mode).
;
; SDM BOUND: IF (index < LowerBound) or (index > UpperBound) THEN #BR;
; both comparisons are signed, the bounds are inclusive, and #BR (vector 5)
; is a fault, so the pushed IP is the BOUND itself and the index register is
; unchanged.  A register second operand is #UD.  Bound pairs are chosen so
; that an unsigned comparison would give the opposite answer.
; Checked in real mode (16- and 32-bit operand size) and in 32-bit
; protected mode (both sizes again).
%define TEST_NAME "bound"
%include "legacy.inc"

B16     equ SCRATCH             ; word pairs
B32     equ SCRATCH + 0x40      ; dword pairs

; BR insn...: the instruction must raise #BR at itself.
%macro BR 1+
        ARM_EXC %%r
%%i:    %1
        FAIL
%%r:    CHECK_EXC 5, %%i
%endmacro

%macro SETB16 3                 ; address, lower, upper
        mov word [%1], %2
        mov word [%1 + 2], %3
%endmacro
%macro SETB32 3
        mov dword [%1], %2
        mov dword [%1 + 4], %3
%endmacro

        bits 16
main16:
        SETB16 B16, -5, 5
        SETB16 B16 + 4, -16, 16             ; unsigned: [0xFFF0, 0x0010]
        SETB16 B16 + 8, 0x8000, 0x7FFF      ; the whole signed range
        SETB16 B16 + 12, 7, 7

        STEP 1                  ; inside the bounds, both ends inclusive
        mov ax, 0
        bound ax, [B16]
        mov ax, -5
        bound ax, [B16]
        mov ax, 5
        bound ax, [B16]
        mov ax, 7
        bound ax, [B16 + 12]
        mov ax, 0x8000
        bound ax, [B16 + 8]
        mov ax, 0x7FFF
        bound ax, [B16 + 8]

        STEP 2                  ; signed: in range although unsigned is not
        mov ax, 5               ; unsigned 5 < 0xFFF0
        bound ax, [B16 + 4]
        mov ax, -8              ; unsigned 0xFFF8 > 0x0010
        bound ax, [B16 + 4]

        STEP 3                  ; above the upper bound
        mov ax, 6
        BR bound ax, [B16]
        EXPECT ax, 6
        mov ax, 17
        BR bound ax, [B16 + 4]
        mov ax, 8
        BR bound ax, [B16 + 12]

        STEP 4                  ; below the lower bound
        mov ax, -6
        BR bound ax, [B16]
        EXPECT ax, -6
        mov ax, 0x8000          ; unsigned it would be above 0xFFF0
        BR bound ax, [B16 + 4]
        mov ax, 6
        BR bound ax, [B16 + 12]

        STEP 5                  ; #BR frame: CS and FLAGS of the BOUND
        VARS_ON
        cmp word [V_EXC_CS], ROMSEG
        VARS_OFF
        je .cs_ok
        FAIL
.cs_ok:
        ; other index registers and addressing forms, segment override
        mov bx, B16
        mov si, 4
        mov dx, -16
        bound dx, [bx + si]
        mov di, 17
        BR bound di, [bx + si]
        mov ax, 0x1000
        mov es, ax
        mov word [es:0x20], 1
        mov word [es:0x22], 2
        mov bp, 3
        BR bound bp, [es:0x20]
        mov bp, 2
        bound bp, [es:0x20]
        xor ax, ax
        mov es, ax

        STEP 6                  ; 32-bit operand size in real mode
        SETB32 B32, -0x10000, 0x10000
        SETB32 B32 + 8, -16, 16
        mov eax, -0x10000
        bound eax, [B32]
        mov eax, 0x10000
        bound eax, [B32]
        mov eax, 5
        bound eax, [B32 + 8]
        mov eax, -8
        bound eax, [B32 + 8]

        STEP 7
        mov eax, 0x10001        ; the low word (1) alone would be in range
        BR bound eax, [B32]
        EXPECT eax, 0x10001
        mov eax, 0x80000000
        BR bound eax, [B32]
        mov eax, 0x7FFFFFFF
        BR bound eax, [B32 + 8]
        mov eax, -17
        BR bound eax, [B32 + 8]

        STEP 8                  ; register second operand: #UD, not #BR
        ARM_EXC .r8
.ud16:  db 0x62, 0xC0           ; bound ax, ax
        FAIL
.r8:    CHECK_EXC 6, .ud16

        GO_PM32
; ---------------------------------------------------------------- 32-bit PM
        STEP 9
        SETB32 B32, -0x10000, 0x10000
        SETB32 B32 + 8, -16, 16
        SETB16 B16 + 4, -16, 16
        mov ecx, -0x10000
        bound ecx, [B32]
        mov ecx, 0x10000
        bound ecx, [B32]
        mov ebx, B32
        mov esi, 1
        mov edx, -8
        bound edx, [ebx + esi * 8]
        mov ax, -16
        bound ax, [B16 + 4]
        mov ax, 16
        bound ax, [B16 + 4]

        STEP 10
        mov ecx, 0x10001
        BR bound ecx, [B32]
        EXPECT ecx, 0x10001
        mov ecx, -0x10001
        BR bound ecx, [B32]
        mov edx, 17
        BR bound edx, [ebx + esi * 8]

        STEP 11                 ; 16-bit operand size in a 32-bit segment
        mov eax, 0xABCD0011     ; only AX is the index
        BR bound ax, [B16 + 4]
        EXPECT eax, 0xABCD0011
        mov eax, 0x0000FFEF
        BR bound ax, [B16 + 4]
        mov eax, 0x7FFF0005
        bound ax, [B16 + 4]

        STEP 12                 ; PM #BR frame: selector, no error code
        VARS_ON
        cmp word [V_EXC_CS], SEL_CODE32
        VARS_OFF
        je .pcs
        FAIL
.pcs:
        ARM_EXC .r12
.ud32:  db 0x62, 0xC8           ; bound ecx, eax
        FAIL
.r12:   CHECK_EXC 6, .ud32

        PASS
        ROM_END
