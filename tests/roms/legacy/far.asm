; far.asm -- far transfers and the CX/ECX loops (direct far JMP/CALL, PUSH
; CS-style frames, IRET in real mode and 16-bit segments do not exist in
; 64-bit mode).
;
; From the SDM (JMP, CALL, RET, IRET, INT n, LOOPcc, JCXZ):
; - JMP/CALL ptr16:16 and ptr16:32, m16:16 and m16:32 (the operand size
;   picks the offset width).  A far CALL pushes CS then (E)IP with the
;   operand size; with 32 bits the CS slot is 4 bytes of which the low word
;   is the selector (the upper word is not checked).
; - RETF imm16 releases imm16 bytes after popping CS:(E)IP.
; - Real-mode IRET pops IP, CS, FLAGS (16 bits; EFLAGS[31:16] kept);
;   IRETD pops EIP, CS (low word of a dword), EFLAGS and loads
;   (tempEFLAGS AND 257FD5H) OR (EFLAGS AND 1A0000H).
; - Real-mode INT n pushes FLAGS, CS, IP (always 16-bit), clears IF, TF
;   and AC, and vectors through the IVT; the saved IP is the next
;   instruction.
; - LOOP/LOOPE/LOOPNE/JCXZ count with CX when the address size is 16 and
;   with ECX when it is 32; 0x67 switches.
; - Protected mode: a far JMP/CALL whose offset exceeds the target
;   segment's limit is #GP(0); a selector that is not a code segment is
;   #GP(selector); a null selector is #GP(0); a segment that is not
;   present is #NP(selector).
%define TEST_NAME "far"
%include "legacy.inc"

R_SP    equ V_USER + 0x00       ; dd  stack pointer seen by a callee
R_W0    equ V_USER + 0x04       ; dd  stack slot 0
R_W1    equ V_USER + 0x08       ; dd  stack slot 1
R_W2    equ V_USER + 0x0C       ; dd  stack slot 2
R_FL    equ V_USER + 0x10       ; dd  FLAGS inside a handler
R_CS    equ V_USER + 0x14       ; dw  CS inside a callee
FP      equ SCRATCH             ; memory far pointers
ALIAS   equ 0xEF00              ; EF00:x+0x1000 is the same byte as F000:x

SEL_C16NP equ SEL_FREE + 0x00   ; 16-bit code, not present

EFL_AC  equ 0x40000

        bits 16
main16:
        STEP 1                  ; JMP ptr16:16 to another CS for the same bytes
        jmp ALIAS:at_alias + 0x1000
back_alias:
        mov ax, cs
        EXPECT ax, ROMSEG

        STEP 2                  ; JMP ptr16:32 (66 EA)
        mov esi, 0
        jmp dword ROMSEG:.t2
        FAIL
.t2:    mov ax, cs
        EXPECT ax, ROMSEG

        STEP 3                  ; JMP m16:16 and m16:32
        mov word [FP], .t3
        mov word [FP + 2], ROMSEG
        mov word [FP + 4], 0xFFFF       ; would be read by an m16:32 load
        jmp far [FP]
        FAIL
.t3:    mov dword [FP], at_alias2 + 0x1000
        mov word [FP + 4], ALIAS
        jmp far dword [FP]
        FAIL
back_alias2:

        STEP 4                  ; CALL ptr16:16: CS then IP, 4 bytes
        mov sp, RM_STACK
        call ROMSEG:callee16
.ret4:  EXPECT word [R_SP], RM_STACK - 4
        EXPECT word [R_W0], .ret4
        EXPECT word [R_W1], ROMSEG
        EXPECT sp, RM_STACK
        call ALIAS:callee16 + 0x1000    ; the callee sees the alias CS
.ret4b: EXPECT word [R_W1], ROMSEG      ; the caller's CS is pushed
        EXPECT word [R_CS], ALIAS
        EXPECT word [R_W0], .ret4b

        STEP 5                  ; CALL ptr16:32: 4-byte EIP and CS slots
        mov dword [RM_STACK - 8], 0xA5A5A5A5
        call dword ROMSEG:callee32
.ret5:  EXPECT word [R_SP], RM_STACK - 8
        EXPECT dword [R_W0], .ret5
        EXPECT word [R_W1], ROMSEG      ; low word of the CS slot
        EXPECT sp, RM_STACK

        STEP 6                  ; CALL m16:16 and m16:32
        mov word [FP], callee16
        mov word [FP + 2], ROMSEG
        call far [FP]
.ret6:  EXPECT word [R_SP], RM_STACK - 4
        EXPECT word [R_W0], .ret6
        mov dword [FP], callee32
        mov word [FP + 4], ROMSEG
        mov bx, FP
        call far dword [bx]
.ret6b: EXPECT word [R_SP], RM_STACK - 8
        EXPECT dword [R_W0], .ret6b
        EXPECT sp, RM_STACK

        STEP 7                  ; RETF imm16, 16- and 32-bit
        push word 1
        push word 2
        push word 3
        call ROMSEG:callee_ret6
        EXPECT sp, RM_STACK
        push dword 1
        push dword 2
        call dword ROMSEG:callee_ret8
        EXPECT sp, RM_STACK

        STEP 8                  ; real-mode IRET: IP, CS, FLAGS[15:0]
        push dword EFL_AC | 2   ; AC set: a 16-bit IRET must keep it
        popfd
        push word 0x08D5        ; OF SF ZF AF PF CF
        push word ROMSEG
        push word .t8
        iret
        FAIL
.t8:    pushfd
        pop eax
        EXPECT eax, EFL_AC | 0x08D7
        EXPECT sp, RM_STACK
        push word 0x0002        ; FLAGS
        push word ALIAS         ; CS
        push word at_alias3 + 0x1000
        iret
back_alias3:

        STEP 9                  ; real-mode IRETD: EFLAGS AND 257FD5H
        push dword 2
        popfd
        push dword 0xFFFEFCFF   ; everything but RF, IF, TF
        push dword 0x5555F000   ; CS slot: the upper word is ignored
        push dword .t9
        iretd
        FAIL
.t9:    pushfd
        pop eax
        push dword 2
        popfd
        ; 0xFFFEFCFF AND 257FD5H = 0x247CD5, plus the fixed bit 1
        EXPECT eax, 0x00247CD7
        EXPECT sp, RM_STACK
        mov ax, cs
        EXPECT ax, ROMSEG

        STEP 10                 ; INT n / IRET through the IVT
        mov word [0x80 * 4], int80
        mov word [0x80 * 4 + 2], ROMSEG
        push dword EFL_AC | 0x0001 | 2  ; AC and CF set before the INT
        popfd
        int 0x80
.ret10: pushfd
        pop eax
        ; INT cleared AC and a 16-bit IRET restores only FLAGS[15:0]:
        ; CF is back, AC stays clear.
        EXPECT eax, 0x0003
        EXPECT word [R_SP], RM_STACK - 6
        EXPECT word [R_W0], .ret10
        EXPECT word [R_W1], ROMSEG
        EXPECT word [R_W2], 0x0003      ; FLAGS[15:0] before the INT
        EXPECT dword [R_FL], 0x0003     ; inside: AC clear, CF untouched
        push dword 2
        popfd
        o32 int 0x80                    ; 66 CD: still a 16-bit frame
.ret10b:
        EXPECT word [R_SP], RM_STACK - 6
        EXPECT word [R_W0], .ret10b
        ARM_EXC .r10c                   ; INT 3 -> vector 3 (IVT stub)
        int 3
.a10c:  FAIL
.r10c:  CHECK_EXC 3, .a10c

        STEP 11                 ; LOOP: CX with 16-bit addressing
        mov ecx, 0x00010001
        loop .l11bad            ; CX 1 -> 0: falls through
        EXPECT ecx, 0x00010000
        mov ecx, 0xABCD0000
        loop .l11a              ; CX 0 -> 0xFFFF: taken
        FAIL
.l11bad:
        FAIL
.l11a:  EXPECT ecx, 0xABCDFFFF

        STEP 12                 ; LOOP with 0x67: ECX
        mov ecx, 0x00010001
        loop .l12a, ecx         ; ECX 0x10001 -> 0x10000: taken
        FAIL
.l12a:  EXPECT ecx, 0x00010000
        mov ecx, 1
        loop .l12bad, ecx
        EXPECT ecx, 0
        jmp .l12b
.l12bad:
        FAIL
.l12b:

        STEP 13                 ; LOOPE / LOOPNE with CX and ECX
        mov ecx, 0x00010002
        cmp ax, ax              ; ZF = 1
        loope .l13a             ; CX 2 -> 1, ZF: taken
        FAIL
.l13a:  cmp ax, ax
        loope .l13bad           ; CX 1 -> 0: not taken
        EXPECT ecx, 0x00010000
        mov ecx, 0x00010003
        or ax, 1                ; ZF = 0
        loopne .l13b
        FAIL
.l13b:  cmp ax, ax
        loopne .l13bad          ; ZF = 1: not taken
        EXPECT ecx, 0x00010001
        mov ecx, 0x00010001
        cmp ax, ax
        loope .l13c, ecx        ; ECX 0x10001 -> 0x10000: taken
        FAIL
.l13bad:
        FAIL
.l13c:  EXPECT ecx, 0x00010000
        or ax, 1
        loopne .l13d, ecx
        FAIL
.l13d:  EXPECT ecx, 0x0000FFFF

        STEP 14                 ; JCXZ (CX) vs JECXZ (ECX, 67 E3)
        mov ecx, 0x00010000
        jcxz .l14a
        FAIL
.l14a:  jecxz .l14bad
        mov ecx, 0
        jecxz .l14b
.l14bad:
        FAIL
.l14b:  mov ecx, 0xFFFF0001
        jcxz .l14bad

        GO_PM32
; ---------------------------------------------------------------- 32-bit PM
        STEP 15                 ; JMP ptr16:32 to a 16-bit segment and back
        jmp SEL_CODE16:pm16_part
back_pm16:
        mov ax, cs
        EXPECT ax, SEL_CODE32

        STEP 16                 ; CALL ptr16:32 / RETF in 32-bit code
        mov dword [PM_STACK - 8], 0xA5A5A5A5
        call SEL_CODE32:pcallee32
.r16:   EXPECT dword [R_SP], PM_STACK - 8
        EXPECT dword [R_W0], .r16
        EXPECT word [R_W1], SEL_CODE32
        EXPECT esp, PM_STACK
        ; o16 far call into the 16-bit segment: 16-bit CS:IP frame
        call word SEL_CODE16:pcallee16
.r16b:  EXPECT dword [R_SP], PM_STACK - 4
        EXPECT word [R_W0], .r16b
        EXPECT word [R_W1], SEL_CODE32
        EXPECT word [R_CS], SEL_CODE16
        EXPECT esp, PM_STACK

        STEP 17                 ; CALL/JMP m16:32 and RETF imm16
        mov dword [FP], pcallee32
        mov word [FP + 4], SEL_CODE32
        call far [FP]
.r17:   EXPECT dword [R_W0], .r17
        push dword 1
        push dword 2
        push dword 3
        call SEL_CODE32:pcallee_ret12
        EXPECT esp, PM_STACK
        mov dword [FP], .t17
        jmp far [FP]
        FAIL
.t17:   mov word [FP], pm16_jmp_m
        mov word [FP + 2], SEL_CODE16
        jmp far word [FP]       ; m16:16 into the 16-bit segment
        FAIL
back_pm16m:

        STEP 18                 ; IRETD at the same privilege level
        push dword 0x08D7
        push dword SEL_CODE32
        push dword .t18
        iretd
        FAIL
.t18:   pushfd
        pop eax
        push dword 2
        popfd
        EXPECT eax, 0x08D7
        EXPECT esp, PM_STACK

        STEP 19                 ; far transfer faults
        ARM_EXC .r19a
.i19a:  jmp SEL_CODE16:0x10000  ; offset past the 64 KiB limit
        FAIL
.r19a:  CHECK_EXC 13, .i19a, 0
        ARM_EXC .r19b
.i19b:  jmp SEL_DATA:0
        FAIL
.r19b:  CHECK_EXC 13, .i19b, SEL_DATA
        ARM_EXC .r19c
.i19c:  call 0:0
        FAIL
.r19c:  CHECK_EXC 13, .i19c, 0
        EXPECT esp, PM_STACK
        SET_DESC SEL_C16NP, ROMBASE, 0xFFFF, 0x1B, 0x00
        ARM_EXC .r19d
.i19d:  jmp SEL_C16NP:0
        FAIL
.r19d:  CHECK_EXC 11, .i19d, SEL_C16NP

        STEP 20                 ; LOOP/JCXZ with 0x67 in 32-bit code: CX
        mov ecx, 0x00010001
        loop .l20a, cx          ; CX 1 -> 0: not taken
        EXPECT ecx, 0x00010000
        loop .l20b              ; ECX 0x10000 -> 0xFFFF: taken
.l20a:  FAIL
.l20b:  EXPECT ecx, 0x0000FFFF
        mov ecx, 0x00020000
        jcxz .l20c              ; 67 E3 in 32-bit code
        FAIL
.l20c:  jecxz .l20a
        mov ecx, 0x00010002
        cmp eax, eax
        loope .l20d, cx
        FAIL
.l20d:  EXPECT ecx, 0x00010001

        PASS

; ------------------------------------------------------------- callees
        bits 16
; Real-mode code reached through ALIAS: offsets here are label + 0x1000.
at_alias:
        mov ax, cs
        cmp ax, ALIAS
        je .ok
        FAIL
.ok:    jmp ROMSEG:back_alias
at_alias2:
        mov ax, cs
        cmp ax, ALIAS
        je .ok
        FAIL
.ok:    jmp ROMSEG:back_alias2
at_alias3:
        pushf
        pop ax
        mov bx, cs
        cmp bx, ALIAS
        jne .bad
        cmp ax, 0x0002          ; IRET loaded FLAGS too
        jne .bad
        jmp ROMSEG:back_alias3
.bad:   FAIL

; Far callees record the frame they see (DS = 0 in real mode).
callee16:
        mov [R_SP], sp
        mov bp, sp
        mov ax, [bp]
        mov [R_W0], ax
        mov ax, [bp + 2]
        mov [R_W1], ax
        mov [R_CS], cs
        retf
callee32:
        mov [R_SP], sp
        mov bp, sp
        mov eax, [bp]
        mov [R_W0], eax
        mov eax, [bp + 4]
        mov [R_W1], eax
        o32 retf
callee_ret6:
        retf 6
callee_ret8:
        o32 retf 8
int80:
        mov [R_SP], sp
        mov bp, sp
        mov ax, [bp]
        mov [R_W0], ax
        mov ax, [bp + 2]
        mov [R_W1], ax
        mov ax, [bp + 4]
        mov [R_W2], ax
        pushfd
        pop eax
        mov [R_FL], eax
        iret

; 16-bit protected-mode code (SEL_CODE16; SS is the flat 32-bit stack).
pm16_part:
        mov ax, cs
        cmp ax, SEL_CODE16
        je .ok
        FAIL
.ok:    jmp SEL_CODE32:back_pm16        ; 16-bit ptr16:16 back
pcallee16:
        mov [R_SP], esp
        mov ax, [esp]
        mov [R_W0], ax
        mov ax, [esp + 2]
        mov [R_W1], ax
        mov [R_CS], cs
        retf                    ; 16-bit RETF: IP, CS
pm16_jmp_m:
        mov ax, cs
        cmp ax, SEL_CODE16
        je .ok
        FAIL
.ok:    mov dword [FP], back_pm16m
        mov word [FP + 4], SEL_CODE32
        jmp far dword [FP]      ; m16:32 from 16-bit code

        bits 32
pcallee32:
        mov [R_SP], esp
        mov eax, [esp]
        mov [R_W0], eax
        mov eax, [esp + 4]
        mov [R_W1], eax
        retf
pcallee_ret12:
        retf 12

        ROM_END
