; arpl.asm -- ARPL r/m16, r16 (opcode 63 is MOVSXD in 64-bit mode).
;
; SDM ARPL: IF DEST[RPL] < SRC[RPL] THEN ZF := 1; DEST[RPL] := SRC[RPL]
; ELSE ZF := 0.  Only bits 1:0 of the destination can change, only ZF
; among the flags.  The operand is always 16 bits, so the upper half of a
; 32-bit register is kept.  "The ARPL instruction is not recognized in
; real-address mode": #UD there.
%define TEST_NAME "arpl"
%include "legacy.inc"

MEM     equ SCRATCH
ARITH   equ 0x08D5              ; OF SF ZF AF PF CF
ZF      equ 0x0040

%macro SETFLAGS 1               ; FLAGS := value (IF, TF, DF clear)
        push dword (%1) | 2
        popfd
%endmacro

        bits 16
main16:
        STEP 1                  ; real mode: #UD
        ARM_EXC .r1
.i1:    arpl ax, bx
        FAIL
.r1:    CHECK_EXC 6, .i1
        ARM_EXC .r1b
.i1b:   arpl [MEM], cx
        FAIL
.r1b:   CHECK_EXC 6, .i1b

        GO_PM32
; ---------------------------------------------------------------- 32-bit PM
        STEP 2                  ; raise the RPL: ZF = 1
        mov eax, 0x00000010
        mov ebx, 0x00000003
        SETFLAGS 0
        arpl ax, bx
        EXPECT_FLAGS ARITH, ZF
        EXPECT eax, 0x00000013
        EXPECT ebx, 0x00000003
        mov eax, 0x0000FFFC
        mov ebx, 0x00000001
        arpl ax, bx
        EXPECT_FLAGS ZF, ZF
        EXPECT eax, 0x0000FFFD
        mov edx, 0x00000029
        mov ecx, 0x0000FFFE     ; only the source RPL (2) counts
        arpl dx, cx
        EXPECT_FLAGS ZF, ZF
        EXPECT edx, 0x0000002A

        STEP 3                  ; RPL already >= source: no change, ZF = 0
        SETFLAGS ARITH
        mov eax, 0x00000013
        mov ebx, 0x00000001
        arpl ax, bx
        EXPECT_FLAGS ARITH, ARITH & ~ZF
        EXPECT eax, 0x00000013
        mov eax, 0x00000012     ; equal RPLs
        mov ebx, 0x0000FFF2
        arpl ax, bx
        EXPECT_FLAGS ZF, 0
        EXPECT eax, 0x00000012
        mov eax, 0x00000008
        xor ebx, ebx
        arpl ax, bx
        EXPECT_FLAGS ZF, 0
        EXPECT eax, 0x00000008

        STEP 4                  ; the other flags are left alone
        SETFLAGS ARITH & ~ZF
        mov eax, 0x10
        mov ebx, 3
        arpl ax, bx
        EXPECT_FLAGS ARITH, ARITH
        SETFLAGS ZF
        mov eax, 0x13
        arpl ax, bx
        EXPECT_FLAGS ARITH, 0

        STEP 5                  ; 16-bit operand: upper half of EAX kept
        mov eax, 0xABCD0010
        mov ebx, 0x12340002
        arpl ax, bx
        EXPECT eax, 0xABCD0012
        EXPECT ebx, 0x12340002
        mov esi, 0xFFFF0000
        mov edi, 0x00000003
        o16 arpl si, di         ; 66 prefix: same operation
        EXPECT esi, 0xFFFF0003

        STEP 6                  ; memory destination: one word written
        mov dword [MEM], 0x77770028
        mov word [MEM + 4], 0x6666
        mov ecx, 2
        arpl [MEM], cx
        EXPECT_FLAGS ZF, ZF
        EXPECT dword [MEM], 0x7777002A
        EXPECT word [MEM + 4], 0x6666
        mov ecx, 1
        arpl [MEM], cx
        EXPECT_FLAGS ZF, 0
        EXPECT dword [MEM], 0x7777002A
        mov ebx, MEM - 8        ; with an addressing form
        mov ecx, 3
        arpl [ebx + 8], cx
        EXPECT dword [MEM], 0x7777002B

        STEP 7                  ; dest and source the same register
        mov eax, 0x0001
        arpl ax, ax
        EXPECT_FLAGS ZF, 0
        EXPECT eax, 1

        PASS
        ROM_END
