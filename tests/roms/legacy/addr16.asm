; addr16.asm -- every 16-bit addressing form, default segments, offset
; wrap-around, segment overrides, and the 0x67 prefix in both directions
; (16-bit addressing does not exist in 64-bit mode, and there DS/SS bases
; are ignored, so default-segment selection is untested by the vectors).
;
; From the SDM (Vol. 2, Table 2-1 and 2-2, and Vol. 1 "Default segment
; selection rules"): BP-based 16-bit forms and ESP/EBP-based 32-bit forms
; (the SIB *base*, not the index) use SS; all others use DS.  A 16-bit
; effective address is computed modulo 64 KiB; disp8 is sign-extended.
; mod=00 r/m=110 (16-bit) and mod=00 r/m=101 (32-bit) are a bare
; displacement; SIB index 100 means no index (its scale is ignored); SIB
; base 101 with mod=00 means disp32 and no base (so an EBP index still
; uses DS).
;
; Method: DS, SS, ES, FS, GS get different bases; for each form a fresh
; marker word is written at expected-segment-base + expected offset and a
; decoy at the same offset in the segment the form must not use; the load
; must return the marker.  All sets run in real mode (16-bit code) and
; again in 32-bit protected mode, where 16-bit addressing needs 0x67.
%define TEST_NAME "addr16"
%include "legacy.inc"

DSB     equ 0x10000             ; segment bases, the same in both modes
SSB     equ 0x20000
ESB     equ 0x30000
FSB     equ 0x40000
GSB     equ 0x50000
CSB     equ ROMBASE

SEL_D   equ SEL_FREE + 0x00     ; PM descriptors with the bases above
SEL_S   equ SEL_FREE + 0x08
SEL_E   equ SEL_FREE + 0x10
SEL_F   equ SEL_FREE + 0x18
SEL_G   equ SEL_FREE + 0x20

; register values for the 16-bit forms (upper halves are garbage, which
; 16-bit addressing must ignore)
OBX     equ 0x1100
OSI     equ 0x0220
ODI     equ 0x0330
OBP     equ 0x0440
; and for the 32-bit forms (all effective addresses stay below 0x6000 so
; that real mode can use them and the stack at SS:0x7000 is left alone)
EAXV    equ 0x0100
ECXV    equ 0x0210
EDXV    equ 0x0320
EBXV    equ 0x0430
EBPV    equ 0x0540
ESIV    equ 0x0650
EDIV    equ 0x0760
ESPV    equ 0x7000

%assign MK 0                    ; markers used = checks made

; MARK linear, value: write through a segment that is not under test.
%macro MARK 2
%if PMODE
        push es
        push dword SEL_DATA
        pop es
        mov word [es:%1], %2
        pop es
%else
        push es
        push word (%1) >> 4
        pop es
        mov word [es:(%1) & 0xF], %2
        pop es
%endif
%endmacro

; T offset, base, decoy-base, load-into-DX
%macro T 4+
%assign MK MK + 1
        MARK (%2) + (%1), 0x4000 + MK
        MARK (%3) + (%1), 0x8000 + MK
        mov edx, 0xFFFFFFFF
        %4
        EXPECT dx, 0x4000 + MK
%endmacro

%define D32(x) ((x) & 0xFF), (((x) >> 8) & 0xFF), (((x) >> 16) & 0xFF), (((x) >> 24) & 0xFF)

; TR offset, base, decoy-base, raw ModRM.. bytes of MOV DX, r/m16 with a
; 32-bit address (prefixes added for the current code size).
%macro TR 4+
%assign MK MK + 1
        MARK (%2) + (%1), 0x4000 + MK
        MARK (%3) + (%1), 0x8000 + MK
        mov edx, 0xFFFFFFFF
%if __?BITS?__ == 16
        db 0x67                 ; 32-bit addressing
%else
        db 0x66                 ; 16-bit operand
%endif
        db 0x8B, %4
        EXPECT dx, 0x4000 + MK
%endmacro

%macro REGS16 0
        mov ebx, 0xDEAD0000 | OBX
        mov esi, 0xBEEF0000 | OSI
        mov edi, 0xCAFE0000 | ODI
        mov ebp, 0xF00D0000 | OBP
%endmacro

%macro REGS32 0
        mov eax, EAXV
        mov ecx, ECXV
        mov ebx, EBXV
        mov ebp, EBPV
        mov esi, ESIV
        mov edi, EDIV
%endmacro

; ---------------------------------------------------------------------
; The 16-bit forms.  %1 = first check number (7 are used).
%macro FORMS16 1
        STEP %1                 ; mod 00
        REGS16
        T OBX + OSI, DSB, SSB, mov dx, [bx + si]
        T OBX + ODI, DSB, SSB, mov dx, [bx + di]
        T OBP + OSI, SSB, DSB, mov dx, [bp + si]
        T OBP + ODI, SSB, DSB, mov dx, [bp + di]
        T OSI, DSB, SSB, mov dx, [si]
        T ODI, DSB, SSB, mov dx, [di]
        T 0x2468, DSB, SSB, mov dx, [word 0x2468]
        T OBX, DSB, SSB, mov dx, [bx]

        STEP %1 + 1             ; mod 01, positive disp8
        T OBX + OSI + 0x12, DSB, SSB, mov dx, [bx + si + 0x12]
        T OBX + ODI + 0x12, DSB, SSB, mov dx, [bx + di + 0x12]
        T OBP + OSI + 0x12, SSB, DSB, mov dx, [bp + si + 0x12]
        T OBP + ODI + 0x12, SSB, DSB, mov dx, [bp + di + 0x12]
        T OSI + 0x12, DSB, SSB, mov dx, [si + 0x12]
        T ODI + 0x12, DSB, SSB, mov dx, [di + 0x12]
        T OBP + 0x12, SSB, DSB, mov dx, [bp + 0x12]
        T OBX + 0x12, DSB, SSB, mov dx, [bx + 0x12]
        T OBP, SSB, DSB, mov dx, [bp]   ; [bp] exists only as [bp+disp8 0]

        STEP %1 + 2             ; mod 01, negative disp8 (sign-extended)
        T OBX + OSI - 0x80, DSB, SSB, mov dx, [bx + si - 0x80]
        T OBX + ODI - 0x22, DSB, SSB, mov dx, [bx + di - 0x22]
        T OBP + OSI - 0x22, SSB, DSB, mov dx, [bp + si - 0x22]
        T OBP + ODI - 0x22, SSB, DSB, mov dx, [bp + di - 0x22]
        T OSI - 0x22, DSB, SSB, mov dx, [si - 0x22]
        T ODI - 0x22, DSB, SSB, mov dx, [di - 0x22]
        T OBP - 0x22, SSB, DSB, mov dx, [bp - 0x22]
        T OBX - 0x22, DSB, SSB, mov dx, [bx - 0x22]

        STEP %1 + 3             ; mod 10, disp16
        T OBX + OSI + 0x2000, DSB, SSB, mov dx, [bx + si + 0x2000]
        T OBX + ODI + 0x2000, DSB, SSB, mov dx, [bx + di + 0x2000]
        T OBP + OSI + 0x2000, SSB, DSB, mov dx, [bp + si + 0x2000]
        T OBP + ODI + 0x2000, SSB, DSB, mov dx, [bp + di + 0x2000]
        T OSI + 0x2000, DSB, SSB, mov dx, [si + 0x2000]
        T ODI + 0x2000, DSB, SSB, mov dx, [di + 0x2000]
        T OBP + 0x2000, SSB, DSB, mov dx, [bp + 0x2000]
        T OBX + 0x2000, DSB, SSB, mov dx, [bx + 0x2000]
        T OBX + 0x12, DSB, SSB, mov dx, [word bx + 0x12]  ; small value, disp16 encoding
        T OBP + OSI + 0x30, SSB, DSB, mov dx, [word bp + si + 0x30]

        STEP %1 + 4             ; the offset wraps at 64 KiB
        mov ebx, 0x1234FFF0
        mov esi, 0x00000020
        MARK DSB + 0x10010, 0x7777      ; where an unwrapped sum would land
        T 0x0010, DSB, SSB, mov dx, [bx + si]
        mov ebp, 0x0000FFFE
        mov edi, 0x00000004
        T 0x0002, SSB, DSB, mov dx, [bp + di]
        T 0x0000, SSB, DSB, mov dx, [bp + 2]
        mov esi, 2
        T 0xFFFE, DSB, SSB, mov dx, [si - 4]          ; below zero
        mov ebx, 0x3000
        T 0x1000, DSB, SSB, mov dx, [bx + 0xE000]     ; disp16 carry out
        mov ebp, 0x0100
        T 0xF100, SSB, DSB, mov dx, [bp - 0x1000]     ; disp16 as negative
        mov ebx, 0xF000
        mov edi, 0x2000
        T 0x0800, DSB, SSB, mov dx, [bx + di - 0x800]

        STEP %1 + 5             ; segment overrides
        REGS16
        T OBP + OSI, DSB, SSB, mov dx, [ds:bp + si]
        T OBP + 0x12, DSB, SSB, mov dx, [ds:bp + 0x12]
        T OBX + OSI, SSB, DSB, mov dx, [ss:bx + si]
        T ODI, SSB, DSB, mov dx, [ss:di]
        T OBX + ODI, ESB, DSB, mov dx, [es:bx + di]
        T OBP + ODI, ESB, SSB, mov dx, [es:bp + di]
        T OSI + 0x2000, FSB, DSB, mov dx, [fs:si + 0x2000]
        T OBP, FSB, SSB, mov dx, [fs:bp]
        T 0x2468, GSB, DSB, mov dx, [gs:word 0x2468]
        T OBP + OSI - 0x22, GSB, SSB, mov dx, [gs:bp + si - 0x22]
        mov ebx, rom_word
        mov edx, 0
        mov dx, [cs:bx]
        EXPECT dx, 0xC5A3
        mov ebp, rom_word - 2
        mov dx, [cs:bp + 2]
        EXPECT dx, 0xC5A3
        ; moffs forms (A1: MOV AX, moffs16), default DS and overridden
%assign MK MK + 1
        MARK DSB + 0x2222, 0x4000 + MK
        MARK SSB + 0x2222, 0x8000 + MK
        mov ax, 0
        mov ax, [word 0x2222]
        EXPECT ax, 0x4000 + MK
%assign MK MK + 1
        MARK SSB + 0x2224, 0x4000 + MK
        mov ax, [ss:word 0x2224]
        EXPECT ax, 0x4000 + MK

        STEP %1 + 6             ; a string operand: SI wraps, ESI[31:16] kept
        mov esi, 0x1234FFFE
        MARK DSB + 0xFFFE, 0x1357
        a16 lodsw
        EXPECT ax, 0x1357
        EXPECT esi, 0x12340000
%endmacro

; ---------------------------------------------------------------------
; The 32-bit forms.  %1 = first check number (3 are used).
%macro FORMS32 1
        STEP %1                 ; ModRM-only forms
        REGS32
        T EAXV, DSB, SSB, mov dx, [eax]
        T ECXV, DSB, SSB, mov dx, [ecx]
        T EBXV, DSB, SSB, mov dx, [ebx]
        T ESIV, DSB, SSB, mov dx, [esi]
        T EDIV, DSB, SSB, mov dx, [edi]
        TR 0x2468, DSB, SSB, 0x15, D32(0x2468)             ; [disp32]
        TR EBPV + 0x12, SSB, DSB, 0x55, 0x12            ; [ebp+disp8]
        TR EBPV - 0x20, SSB, DSB, 0x55, -0x20 & 0xFF    ; [ebp-disp8]
        TR EBPV + 0x1000, SSB, DSB, 0x95, D32(0x1000)     ; [ebp+disp32]
        TR EBXV + 0x30, DSB, SSB, 0x53, 0x30            ; [ebx+disp8]
        TR ESIV + 0x1000, DSB, SSB, 0x96, D32(0x1000)     ; [esi+disp32]
        mov edx, EDXV           ; EDX as the base: loaded value replaces it
%assign MK MK + 1
        MARK DSB + EDXV, 0x4000 + MK
        MARK SSB + EDXV, 0x8000 + MK
        mov dx, [edx]
        EXPECT dx, 0x4000 + MK

        STEP %1 + 1             ; SIB forms
        REGS32
        TR ESPV, SSB, DSB, 0x14, 0x24                   ; [esp]
        TR ESPV + 0x10, SSB, DSB, 0x54, 0x24, 0x10      ; [esp+disp8]
        TR ESPV + 4 * ECXV - 0x840, SSB, DSB, 0x94, 0x8C, D32(-0x840) ; [esp+ecx*4+disp32]
        TR EAXV + ECXV, DSB, SSB, 0x14, 0x08            ; [eax+ecx*1]
        TR EAXV + 2 * ECXV, DSB, SSB, 0x14, 0x48        ; [eax+ecx*2]
        TR EAXV + 4 * ECXV, DSB, SSB, 0x14, 0x88        ; [eax+ecx*4]
        TR EAXV + 8 * ECXV, DSB, SSB, 0x14, 0xC8        ; [eax+ecx*8]
        TR 4 * ECXV + 0x100, DSB, SSB, 0x14, 0x8D, D32(0x100)   ; [ecx*4+disp32], no base
        TR 2 * EBPV + 0x100, DSB, SSB, 0x14, 0x6D, D32(0x100)   ; [ebp*2+disp32]: DS
        TR EBPV + 2 * ECXV + 0x08, SSB, DSB, 0x54, 0x4D, 0x08 ; [ebp+ecx*2+disp8]
        TR EAXV, DSB, SSB, 0x14, 0xE0                   ; [eax], index none, scale 8 ignored
        TR EBXV, DSB, SSB, 0x14, 0x23                   ; [ebx], index none
        TR 0x3456, DSB, SSB, 0x14, 0x25, D32(0x3456)      ; [disp32] through SIB
        TR EDIV + ESIV + 0x20, DSB, SSB, 0x54, 0x37, 0x20     ; [edi+esi+disp8]
        TR EBPV + EAXV, SSB, DSB, 0x54, 0x05, 0x00      ; [ebp+eax+0]

        STEP %1 + 2             ; overrides on 32-bit forms
        REGS32
        T EBPV + 0x12, DSB, SSB, mov dx, [ds:ebp + 0x12]
        T ESPV + 0x08, ESB, SSB, mov dx, [es:esp + 0x08]
        T EAXV, SSB, DSB, mov dx, [ss:eax]
        T EAXV + 8 * ECXV, FSB, DSB, mov dx, [fs:eax + ecx * 8]
        T ESIV + 0x40, GSB, DSB, mov dx, [gs:esi + 0x40]
%endmacro

        bits 16
main16:
        mov ax, DSB >> 4
        mov ds, ax
        mov ax, SSB >> 4
        mov ss, ax
        mov ax, ESB >> 4
        mov es, ax
        mov ax, FSB >> 4
        mov fs, ax
        mov ax, GSB >> 4
        mov gs, ax
        mov esp, ESPV

        FORMS16 1               ; checks 1..7
        FORMS32 8               ; checks 8..10

        STEP 11                 ; 32-bit addressing in real mode does not wrap
%ifndef QEMU_QUIRKS
        ; Real-mode segments have a 64 KiB limit: an offset above 0xFFFF
        ; is #GP(0) (#SS(0) through SS), and so is a word at 0xFFFF.
        ; QEMU (TCG, 7.2) does not check segment limits: it would read at
        ; base + offset.
        mov eax, 0x10000
        ARM_EXC .r11a
.i11a:  mov dx, [eax]
        FAIL
.r11a:  CHECK_EXC 13, .i11a
        mov ebx, 0xFFFF
        ARM_EXC .r11b
.i11b:  mov dx, [ebx]
        FAIL
.r11b:  CHECK_EXC 13, .i11b
        mov ebp, 0xFFF0
        ARM_EXC .r11c
.i11c:  mov dx, [ebp + 0x10]
        FAIL
.r11c:  CHECK_EXC 12, .i11c
%endif
        ; ...but the same registers with 16-bit addressing wrap
        mov ebx, 0x0001FFF0
        mov esi, 0x0020
        MARK DSB + 0x0010, 0x2468
        mov dx, [bx + si]
        EXPECT dx, 0x2468

        xor ax, ax
        mov ds, ax
        mov ss, ax
        mov esp, RM_STACK

        GO_PM32
; ---------------------------------------------------------------- 32-bit PM
        SET_DESC SEL_D, DSB, 0xFFFFF, 0x93, 0xC0
        SET_DESC SEL_S, SSB, 0xFFFFF, 0x93, 0xC0
        SET_DESC SEL_E, ESB, 0xFFFFF, 0x93, 0xC0
        SET_DESC SEL_F, FSB, 0xFFFFF, 0x93, 0xC0
        SET_DESC SEL_G, GSB, 0xFFFFF, 0x93, 0xC0
        mov ax, SEL_D
        mov ds, ax
        mov ax, SEL_S
        mov ss, ax
        mov esp, ESPV
        mov ax, SEL_E
        mov es, ax
        mov ax, SEL_F
        mov fs, ax
        mov ax, SEL_G
        mov gs, ax

        FORMS16 12              ; checks 12..18, all with a 0x67 prefix
        FORMS32 19              ; checks 19..21

        STEP 22                 ; a16 wraps, a32 does not, a32 wraps at 4 GiB
        mov ebx, 0x0000FFF0
        mov esi, 0x00000020
        MARK DSB + 0x10010, 0x1111
        MARK DSB + 0x00010, 0x2222
        mov dx, [bx + si]
        EXPECT dx, 0x2222
        mov dx, [ebx + esi]
        EXPECT dx, 0x1111
        mov eax, 0xFFFFFFF0
        MARK DSB + 0x20, 0x3333
        mov dx, [eax + 0x30]
        EXPECT dx, 0x3333
        mov ecx, 0x80000008
        MARK DSB + 0x40, 0x4444
        mov dx, [ecx * 2 + 0x30]        ; index*scale overflows too
        EXPECT dx, 0x4444

        mov ax, SEL_DATA
        mov ds, ax
        mov ss, ax
        mov esp, PM_STACK
        PRINT "addr16: "
        mov eax, MK
        call lib32_dec
        PRINT " address forms checked", 10
        PASS

rom_word:       dw 0xC5A3

        ROM_END
