; task.asm -- hardware task switching: JMP and CALL to a TSS descriptor,
; INT through a task gate, IRET back over the previous-task link, an
; exception delivered to a task (error code on the new task's stack), a
; 16-bit TSS, and the busy bits, NT flag, back link, outgoing-TSS image and
; CR0.TS that each kind of switch must produce (SDM vol. 3, 7.3 and 7.4).
%define TEST_NAME "task"
%include "sys.inc"

TSS_A           equ TESTMEM             ; 32-bit tasks
TSS_B           equ TESTMEM + 0x1000
TSS_C           equ TESTMEM + 0x2000
TSS_16          equ SCRATCH + 0x1000    ; 16-bit task (below 64 KiB: used from 16-bit code)
SEL_A           equ 0x40
SEL_B           equ 0x48
SEL_C           equ 0x50
SEL_16          equ 0x58
VEC_TASKB       equ 0x50

; 32-bit TSS fields
T_LINK  equ 0x00
T_CR3   equ 0x1C
T_EIP   equ 0x20
T_EFL   equ 0x24
T_EAX   equ 0x28
T_ECX   equ 0x2C
T_EDX   equ 0x30
T_EBX   equ 0x34
T_ESP   equ 0x38
T_EBP   equ 0x3C
T_ESI   equ 0x40
T_EDI   equ 0x44
T_ES    equ 0x48
T_CS    equ 0x4C
T_SS    equ 0x50
T_DS    equ 0x54
T_FS    equ 0x58
T_GS    equ 0x5C
T_LDT   equ 0x60
; 16-bit TSS fields
W_LINK  equ 0x00
W_IP    equ 0x0E
W_FLAGS equ 0x10
W_AX    equ 0x12
W_CX    equ 0x14
W_SP    equ 0x1A
W_ES    equ 0x22
W_CS    equ 0x24
W_SS    equ 0x26
W_DS    equ 0x28

; What the tasks record (ring 0 flat memory).
REC             equ SCRATCH             ; 32 dwords
%define R(n)    (REC + (n) * 4)
TB_COUNT        equ SCRATCH + 0x100

%define TYPE(sel) byte [GDT_BASE + (sel) + 5]

; QEMU 7.2 TCG bug: a far JMP to a TSS neither syncs nor resets the lazy
; condition-code state, so the EFLAGS it saves to the old TSS and the
; arithmetic flags of the new task come out wrong unless the last
; flag-producing instruction left them in "EFLAGS form" (POPF/PUSHF do).
; Harmless elsewhere: PUSHFD + LEA change no state but ESP, then restore it.
%macro JMP_TSS_FLAGS_SYNC 0
%ifdef QEMU_QUIRKS
        pushfd
        lea esp, [esp + 4]
%endif
%endmacro

main32:
        ; The main task runs on TSS0 (loaded by the harness, busy).
        SET_DESC SEL_A, TSS_A, 0x67, ACC_TSS32, 0
        SET_DESC SEL_B, TSS_B, 0x67, ACC_TSS32, 0
        SET_DESC SEL_C, TSS_C, 0x67, ACC_TSS32, 0
        SET_DESC SEL_16, TSS_16, 0x2B, ACC_TSS16, 0

        STEP 1, "JMP to a 32-bit TSS: new task state loaded from its TSS"
        mov edi, TSS_A
        mov eax, task_a
        mov ebx, 0x50000
        call init_tss32
        clts
        mov ax, SEL_KDATA16                 ; distinctive selectors to save
        mov gs, ax
        xor ax, ax
        mov fs, ax
        mov eax, 0x1000000A
        mov ebx, 0x1000000B
        mov ecx, 0x1000000C
        mov edx, 0x1000000D
        mov esi, 0x10000051
        mov edi, 0x10000052
        mov ebp, 0x10000053
        push dword 0x8D7                    ; OF SF ZF AF PF CF
        popfd
        JMP_TSS_FLAGS_SYNC
        jmp SEL_A:0x12345678                ; offset is ignored
.back1:
        ; Back in the main task: its registers come from TSS0.
        pushfd
        mov [R(20)], eax
        mov [R(21)], ebx
        mov [R(22)], ecx
        mov [R(23)], edx
        mov [R(24)], esi
        mov [R(25)], edi
        mov [R(26)], ebp
        pop dword [R(27)]
        mov ax, SEL_KDATA
        mov fs, ax
        mov gs, ax
        CHECK [R(0)], 0xC0DE0001            ; task A saw its TSS values
        CHECK [R(1)], 0xC0DE0003            ; ECX
        CHECK [R(2)], 0xC0DE0007            ; EDI
        CHECK [R(3)], 0x50000               ; ESP
        CHECK [R(4)], 0x00000002            ; EFLAGS: NT clear after JMP
        CHECK [R(5)], SEL_KDATA             ; DS
        CHECK [R(6)], 0                     ; FS
        mov eax, cs
        CHECK [R(7)], SEL_A                 ; TR
        CHECK [R(8)], 8                     ; CR0.TS set by the switch

        STEP 2, "JMP: outgoing TSS holds EIP, EFLAGS, GPRs and selectors"
        CHECK [TSS0 + T_EIP], .back1
        CHECK [R(27)], 0x8D7
        CHECK [TSS0 + T_EFL], 0x8D7
        CHECK [TSS0 + T_EAX], 0x1000000A
        CHECK [TSS0 + T_EBX], 0x1000000B
        CHECK [TSS0 + T_ECX], 0x1000000C
        CHECK [TSS0 + T_EDX], 0x1000000D
        CHECK [TSS0 + T_ESI], 0x10000051
        CHECK [TSS0 + T_EDI], 0x10000052
        CHECK [TSS0 + T_EBP], 0x10000053
        CHECK [TSS0 + T_ESP], KSTACK_TOP
        CHECKW [TSS0 + T_CS], SEL_KCODE
        CHECKW [TSS0 + T_SS], SEL_KDATA
        CHECKW [TSS0 + T_DS], SEL_KDATA
        CHECKW [TSS0 + T_ES], SEL_KDATA
        CHECKW [TSS0 + T_FS], 0
        CHECKW [TSS0 + T_GS], SEL_KDATA16
        ; ... and JMP back restored exactly that state.
        CHECK [R(20)], 0x1000000A
        CHECK [R(21)], 0x1000000B
        CHECK [R(22)], 0x1000000C
        CHECK [R(23)], 0x1000000D
        CHECK [R(24)], 0x10000051
        CHECK [R(25)], 0x10000052
        CHECK [R(26)], 0x10000053
        CHECK [R(27)], 0x8D7

        STEP 3, "JMP: busy bits move (old cleared, new set), no back link"
        CHECK [R(9)], ACC_TSS32             ; TSS0 while task A ran
        CHECK [R(10)], ACC_TSS32B           ; TSS_A while task A ran
        CHECKW [TSS_A + T_LINK], 0
        CHECKW TYPE(SEL_A), ACC_TSS32
        CHECKW TYPE(SEL_TSS0), ACC_TSS32B
        str ax
        CHECKW ax, SEL_TSS0
        ; Task A's own state at its JMP back went into TSS_A.
        CHECK [TSS_A + T_EIP], task_a.after
        CHECK [TSS_A + T_EAX], 0xAAAA0001

        STEP 4, "a JMP to a busy TSS (the current one): #GP(selector)"
        FAULT 13, SEL_TSS0, {jmp SEL_TSS0:0}

        STEP 5, "CALL to a TSS: NT=1, back link, both busy; IRET returns"
        mov edi, TSS_A
        mov eax, task_a2
        mov ebx, 0x50000
        call init_tss32
        clts
        mov eax, 0x2000000A
        call SEL_A:0
.back5: CHECK eax, 0x2000000A               ; main's EAX restored from TSS0
        CHECK [R(0)], 0x4000                ; NT in task A2's EFLAGS
        CHECK [R(1)], SEL_TSS0              ; previous-task link
        CHECK [R(2)], ACC_TSS32B            ; caller stays busy
        CHECK [R(3)], ACC_TSS32B            ; callee busy
        CHECK [R(4)], 8                     ; CR0.TS
        CHECK [TSS0 + T_EIP], .back5
        ; IRET: the old task (A2) is no longer busy, the NT flag in its
        ; saved EFLAGS image is cleared, its EIP is after the IRET.
        CHECKW TYPE(SEL_A), ACC_TSS32
        CHECKW TYPE(SEL_TSS0), ACC_TSS32B
        CHECK [TSS_A + T_EIP], task_a2.after
        mov eax, [TSS_A + T_EFL]
        and eax, 0x4000
        CHECK eax, 0
        CHECK [TSS_A + T_EAX], 0xA2A2A2A2
        pushfd
        pop eax
        and eax, 0x4000
        CHECK eax, 0                        ; main task has NT=0 again

        STEP 6, "INT through a task gate: nested task, IRET back, twice"
        mov edi, TSS_B
        mov eax, task_b
        mov ebx, 0x4F000
        call init_tss32
        SET_IDT VEC_TASKB, 0, SEL_B, GATE_TASK
        mov dword [TB_COUNT], 0
        int VEC_TASKB
        CHECK [TB_COUNT], 1
        CHECK [R(0)], 0x4000                ; NT set as for CALL
        CHECK [R(1)], SEL_TSS0
        CHECK [R(2)], ACC_TSS32B
        CHECK [TSS_B + T_EIP], task_b.after ; IRET saved B's state
        int VEC_TASKB                       ; B resumes after its IRET
        CHECK [TB_COUNT], 2
        CHECKW TYPE(SEL_B), ACC_TSS32

        STEP 7, "#GP delivered through a task gate: error code on new stack"
        mov edi, TSS_C
        mov eax, task_c
        mov ebx, 0x4E000
        call init_tss32
        SET_IDT 13, 0, SEL_C, GATE_TASK
        xor eax, eax
.f7:    mov ds, word [cs:bad_sel]           ; #GP(sel): index past GDT limit
.r7:    RESET_IDT 13
        CHECK [R(0)], 0x1000                ; error code popped by task C
        CHECK [R(1)], 0x4E000 - 4           ; pushed on C's own stack
        CHECK [R(2)], .f7                   ; faulting EIP saved in TSS0
        CHECK [R(3)], SEL_TSS0
        mov ax, ds
        CHECKW ax, SEL_KDATA

        STEP 8, "CALL to a 16-bit TSS; IRET back writes the 16-bit image"
        mov edi, REC
        mov ecx, 32
        xor eax, eax
        rep stosd
        mov edi, TSS_16
        mov ecx, 0x2C
        xor eax, eax
        rep stosb
        mov word [TSS_16 + W_IP], RO(task16)
        mov word [TSS_16 + W_FLAGS], 0x0002
        mov word [TSS_16 + W_AX], 0x1616
        mov word [TSS_16 + W_CX], 0x1C1C
        mov word [TSS_16 + W_SP], 0x9000
        mov word [TSS_16 + W_ES], SEL_KDATA16
        mov word [TSS_16 + W_CS], SEL_KCODE16
        mov word [TSS_16 + W_SS], SEL_KDATA16
        mov word [TSS_16 + W_DS], SEL_KDATA16
        clts
        call SEL_16:0
        CHECK [R(0)], 0x1616                ; AX from the 16-bit TSS
        CHECK [R(1)], 0x1C1C                ; CX
        CHECK [R(2)], 0x9000                ; SP
        CHECK [R(3)], 0x4002                ; FLAGS: NT set by the CALL
        CHECK [R(4)], SEL_TSS0              ; back link
        CHECK [R(5)], SEL_KCODE16           ; CS
        CHECK [R(6)], ACC_TSS16B            ; 16-bit busy type
        CHECK [R(7)], 8                     ; CR0.TS
        CHECKW TYPE(SEL_16), ACC_TSS16
        CHECKW [TSS_16 + W_IP], RO(task16.after)
        CHECKW [TSS_16 + W_AX], 0x6161
        CHECKW [TSS_16 + W_FLAGS], 0x0002   ; NT cleared in the saved image
        CHECKW [TSS_16 + W_SP], 0x9000
        str ax
        CHECKW ax, SEL_TSS0
        PASS

bad_sel: dw 0x1000                          ; GDT limit is 0xFFF

; EDI = TSS, EAX = EIP, EBX = ESP: a ring-0 flat 32-bit task.
init_tss32:
        pushad
        push eax
        mov ecx, 0x68 / 4
        xor eax, eax
        rep stosd
        pop eax
        mov edi, [esp]                      ; pushad's EDI
        mov [edi + T_EIP], eax
        mov [edi + T_ESP], ebx
        mov dword [edi + T_EFL], 2
        mov eax, cr3
        mov [edi + T_CR3], eax
        mov dword [edi + T_EAX], 0xC0DE0001
        mov dword [edi + T_ECX], 0xC0DE0003
        mov dword [edi + T_EDX], 0xC0DE0004
        mov dword [edi + T_EBX], 0xC0DE0002
        mov dword [edi + T_EBP], 0xC0DE0005
        mov dword [edi + T_ESI], 0xC0DE0006
        mov dword [edi + T_EDI], 0xC0DE0007
        mov dword [edi + T_CS], SEL_KCODE
        mov dword [edi + T_SS], SEL_KDATA
        mov dword [edi + T_DS], SEL_KDATA
        mov dword [edi + T_ES], SEL_KDATA
        mov word [edi + 0x66], 0x68
        popad
        ret

; ------------------------------------------------------------------ tasks
task_a:                                     ; entered by JMP
        mov [R(0)], eax
        mov [R(1)], ecx
        mov [R(2)], edi
        mov [R(3)], esp
        pushfd
        pop dword [R(4)]
        mov eax, ds
        mov [R(5)], eax
        mov eax, fs
        mov [R(6)], eax
        str ax
        movzx eax, ax
        mov [R(7)], eax
        mov eax, cr0
        and eax, 8
        mov [R(8)], eax
        movzx eax, TYPE(SEL_TSS0)
        mov [R(9)], eax
        movzx eax, TYPE(SEL_A)
        mov [R(10)], eax
        mov eax, 0xAAAA0001
        JMP_TSS_FLAGS_SYNC
        jmp SEL_TSS0:0
.after: ud2

task_a2:                                    ; entered by CALL
        pushfd
        pop eax
        and eax, 0x4000
        mov [R(0)], eax
        movzx eax, word [TSS_A + T_LINK]
        mov [R(1)], eax
        movzx eax, TYPE(SEL_TSS0)
        mov [R(2)], eax
        movzx eax, TYPE(SEL_A)
        mov [R(3)], eax
        mov eax, cr0
        and eax, 8
        mov [R(4)], eax
        mov eax, 0xA2A2A2A2
        iretd                               ; NT=1: return to the caller task
.after: ud2

task_b:                                     ; entered through a task gate
        pushfd
        pop eax
        and eax, 0x4000
        mov [R(0)], eax
        movzx eax, word [TSS_B + T_LINK]
        mov [R(1)], eax
        movzx eax, TYPE(SEL_B)
        mov [R(2)], eax
        inc dword [TB_COUNT]
        iretd
.after: inc dword [TB_COUNT]                ; second entry resumes here
        iretd

task_c:                                     ; #GP handler task
        mov [R(1)], esp
        pop eax                             ; the error code
        mov [R(0)], eax
        mov eax, [TSS0 + T_EIP]
        mov [R(2)], eax
        movzx eax, word [TSS_C + T_LINK]
        mov [R(3)], eax
        mov dword [TSS0 + T_EIP], main32.r7 ; skip the faulting instruction
        iretd

        bits 16
task16:                                     ; 16-bit task, DS = KDATA16
        mov [R(0)], ax
        mov [R(1)], cx
        mov [R(2)], sp
        pushf
        pop word [R(3)]
        mov ax, [TSS_16 + W_LINK]
        mov [R(4)], ax
        mov ax, cs
        mov [R(5)], ax
        mov al, TYPE(SEL_16)
        mov [R(6)], al
        mov eax, cr0
        and ax, 8
        mov [R(7)], ax
        mov ax, 0x6161
        iret
.after: ud2
        bits 32

        ROM_END
