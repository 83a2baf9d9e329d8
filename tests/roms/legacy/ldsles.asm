; ldsles.asm -- LDS LES LFS LGS LSS with 16- and 32-bit operands (LDS and
; LES are invalid in 64-bit mode; all five are checked in real mode and in
; 32-bit protected mode).
;
; From the SDM (LDS/LES/LFS/LGS/LSS):
; - m16:16 is offset word then selector word; m16:32 is offset dword then
;   selector word.  The 16-bit form writes only the low word of the
;   destination register.
; - A register second operand is #UD.
; - Real mode: the segment register gets selector and base = selector * 16.
; - Protected mode: a null selector may be loaded into DS ES FS GS (a later
;   access through it is #GP(0)); loading SS with a null selector is
;   #GP(0); a selector past the table limit, an execute-only code segment
;   (for DS..GS) or a non-writable segment (for SS) is #GP(selector); a
;   descriptor that is not present is #NP(selector) (#SS for SS).  Faults
;   leave the destination register and the segment register unchanged.
%define TEST_NAME "ldsles"
%include "legacy.inc"

FP     equ SCRATCH             ; far pointers live here
MARK    equ 0x21234             ; linear address of a marker word

SEL_T1  equ SEL_FREE + 0x00     ; data, base 0x20000, limit 0xFFFF
SEL_NP  equ SEL_FREE + 0x08     ; data, not present
SEL_XO  equ SEL_FREE + 0x10     ; code, execute-only
SEL_RO  equ SEL_FREE + 0x18     ; data, read-only
SEL_CR  equ SEL_FREE + 0x20     ; code, readable (base 0x20000)

%macro FARPTR16 3               ; address, offset, selector
        mov word [%1], %2
        mov word [%1 + 2], %3
%endmacro
%macro FARPTR32 3
        mov dword [%1], %2
        mov word [%1 + 4], %3
%endmacro

%macro UD 1+                    ; instruction bytes that must raise #UD
        ARM_EXC %%r
%%i:    %1
        FAIL
%%r:    CHECK_EXC 6, %%i
%endmacro

        bits 16
main16:
        mov ax, MARK >> 4
        mov es, ax
        mov word [es:MARK & 0xF], 0xBEEF       ; the marker, seen as 2123:0004
        xor ax, ax
        mov es, ax

        STEP 1                  ; LDS r16, m16:16
        FARPTR16 FP, 0x1234, 0x2000
        mov esi, 0xFFFF0000
        lds si, [FP]
        mov ax, ds
        mov cx, [si]            ; through the new DS
        push word 0
        pop ds
        EXPECT esi, 0xFFFF1234
        EXPECT ax, 0x2000
        EXPECT cx, 0xBEEF

        STEP 2                  ; LES, LFS, LGS r16, m16:16
        FARPTR16 FP, 0x0234, 0x2100
        les di, [FP]
        EXPECT di, 0x0234
        EXPECT word [es:di], 0xBEEF
        FARPTR16 FP + 4, 0x0034, 0x2120
        mov bx, 4
        lfs dx, [FP + bx]
        EXPECT dx, 0x0034
        mov bx, dx
        EXPECT word [fs:bx], 0xBEEF
        mov di, FP
        lgs bp, [di + 4]        ; BP-free base: DS is the pointer's segment
        EXPECT bp, 0x0034
        EXPECT word [gs:bp], 0xBEEF

        STEP 3                  ; LSS SP, m16:16: the stack moves
        mov [V_USER], sp
        FARPTR16 FP, 0x1238, 0x2000
        lss sp, [FP]
        pop ax                  ; reads 0x21238
        push word 0x5A5A
        mov cx, ss
        mov dx, sp
        xor bx, bx
        mov ss, bx
        mov sp, [V_USER]
        EXPECT cx, 0x2000
        EXPECT dx, 0x1238
        mov bx, 0x2000
        mov es, bx
        EXPECT word [es:0x1238], 0x5A5A

        STEP 4                  ; 32-bit operand: m16:32, all of the register
        FARPTR32 FP, 0x00001234, 0x2000
        mov word [FP + 6], 0x7777              ; beyond the 6-byte pointer
        mov esi, 0xFFFFFFFF
        o32 lds esi, [FP]
        mov ax, ds
        mov cx, [esi]
        push word 0
        pop ds
        EXPECT esi, 0x00001234
        EXPECT ax, 0x2000
        EXPECT cx, 0xBEEF
        FARPTR32 FP, 0xABCD0034, 0x2120
        o32 les ebx, [FP]
        EXPECT ebx, 0xABCD0034
        mov bx, 0x0034
        EXPECT word [es:bx], 0xBEEF
        o32 lfs ecx, [FP]
        EXPECT ecx, 0xABCD0034
        o32 lgs edx, [FP]
        EXPECT edx, 0xABCD0034
        mov ax, gs
        EXPECT ax, 0x2120
        mov [V_USER], sp
        FARPTR32 FP, 0x00001000, 0x2000
        o32 lss esp, [FP]
        push word 0x6B6B
        mov dx, ss
        mov ecx, esp
        xor bx, bx
        mov ss, bx
        mov esp, 0
        mov sp, [V_USER]
        EXPECT dx, 0x2000
        EXPECT ecx, 0x00000FFE
        mov bx, 0x2000
        mov es, bx
        EXPECT word [es:0x0FFE], 0x6B6B

        STEP 5                  ; register operands: #UD
        UD db 0xC5, 0xC6        ; lds ax, si
        UD db 0xC4, 0xC6        ; les ax, si
        UD db 0x0F, 0xB2, 0xC6  ; lss ax, si
        UD db 0x0F, 0xB4, 0xC6  ; lfs ax, si
        UD db 0x0F, 0xB5, 0xC6  ; lgs ax, si

        GO_PM32
; ---------------------------------------------------------------- 32-bit PM
        SET_DESC SEL_T1, 0x20000, 0xFFFF, 0x93, 0x40
        SET_DESC SEL_NP, 0x20000, 0xFFFF, 0x13, 0x40
        SET_DESC SEL_XO, 0x20000, 0xFFFF, 0x99, 0x40
        SET_DESC SEL_RO, 0x20000, 0xFFFF, 0x91, 0x40
        SET_DESC SEL_CR, 0x20000, 0xFFFF, 0x9B, 0x40

        STEP 6                  ; valid selectors, 32- and 16-bit operands
        FARPTR32 FP, 0x1234, SEL_T1
        lds esi, [FP]
        mov ax, ds
        mov cx, [esi]
        push dword SEL_DATA
        pop ds
        EXPECT ax, SEL_T1
        EXPECT esi, 0x1234
        EXPECT cx, 0xBEEF
        FARPTR16 FP, 0x1234, SEL_T1
        mov edi, 0xFFFFFFFF
        o16 les di, [FP]
        EXPECT edi, 0xFFFF1234
        movzx edi, di
        EXPECT word [es:edi], 0xBEEF
        FARPTR32 FP, 0x1234, SEL_CR            ; readable code into FS: fine
        lfs ecx, [FP]
        EXPECT word [fs:ecx], 0xBEEF
        FARPTR32 FP, 0x1234, SEL_RO            ; read-only data into GS: fine
        lgs edx, [FP]
        EXPECT word [gs:edx], 0xBEEF
        mov ebx, esp
        FARPTR32 FP, 0x8000, SEL_T1
        lss esp, [FP]
        push dword 0x6C6C6C6C
        mov ax, ss
        mov ecx, esp
        mov dx, SEL_DATA
        mov ss, dx
        mov esp, ebx
        EXPECT ax, SEL_T1
        EXPECT ecx, 0x7FFC
        EXPECT dword [0x27FFC], 0x6C6C6C6C

        STEP 7                  ; null selector into DS..GS: allowed
        FARPTR32 FP, 0x55, 0
        lds eax, [FP]
        mov bx, ds
        push dword SEL_DATA
        pop ds
        EXPECT bx, 0
        EXPECT eax, 0x55
        FARPTR32 FP, 0x66, 3                   ; null with RPL 3
        les ecx, [FP]
        lfs edx, [FP]
        lgs esi, [FP]
        mov ax, es
        mov bx, fs
        mov di, gs
        push dword SEL_DATA
        pop es
        EXPECT ax, 3
        EXPECT bx, 3
        EXPECT di, 3
        EXPECT ecx, 0x66
        EXPECT esi, 0x66

        STEP 8                  ; ... but using it is #GP(0)
%ifndef QEMU_QUIRKS
        ; QEMU (TCG, 7.2) does not check data accesses through a null
        ; selector in protected mode: the load below just reads memory.
        push dword 0
        pop fs
        ARM_EXC .r8
.i8:    mov eax, [fs:0x100]
        FAIL
.r8:    CHECK_EXC 13, .i8, 0
        push dword SEL_DATA
        pop fs
%endif

        STEP 9                  ; LSS with a null selector: #GP(0), no change
        FARPTR32 FP, 0x1000, 0
        mov ebx, esp
        mov ecx, 0x12345678
        ARM_EXC .r9
.i9:    lss ecx, [FP]
        FAIL
.r9:    CHECK_EXC 13, .i9, 0
        EXPECT ecx, 0x12345678
        EXPECT esp, ebx
        mov ax, ss
        EXPECT ax, SEL_DATA

        STEP 10                 ; bad selectors: #GP(sel) / #NP(sel)
        FARPTR32 FP, 0x1234, 0x0800            ; past GDT_LIMIT
        mov esi, 0x11111111
        ARM_EXC .r10a
.i10a:  lds esi, [FP]
        FAIL
.r10a:  CHECK_EXC 13, .i10a, 0x0800
        EXPECT esi, 0x11111111
        mov ax, ds
        EXPECT ax, SEL_DATA
        FARPTR32 FP, 0x1234, SEL_XO            ; execute-only code
        ARM_EXC .r10b
.i10b:  les esi, [FP]
        FAIL
.r10b:  CHECK_EXC 13, .i10b, SEL_XO
        FARPTR32 FP, 0x1234, SEL_NP            ; not present
        ARM_EXC .r10c
.i10c:  lgs esi, [FP]
        FAIL
.r10c:  CHECK_EXC 11, .i10c, SEL_NP
        FARPTR32 FP, 0x1234, SEL_RO            ; SS must be writable
        ARM_EXC .r10d
.i10d:  lss esi, [FP]
        FAIL
.r10d:  CHECK_EXC 13, .i10d, SEL_RO
        ; SS: RPL != CPL is #GP(selector) -- the error code carries the
        ; selector without its RPL bits (they hold EXT/IDT there).
        FARPTR32 FP, 0x1234, SEL_T1 | 3
        ARM_EXC .r10e
.i10e:  lss esi, [FP]
        FAIL
.r10e:  CHECK_EXC 13, .i10e, SEL_T1
        FARPTR32 FP, 0x1234, SEL_NP            ; not present SS: #SS(sel)
        ARM_EXC .r10f
.i10f:  lss esi, [FP]
        FAIL
.r10f:  CHECK_EXC 12, .i10f, SEL_NP
        EXPECT esi, 0x11111111

        PASS
        ROM_END
