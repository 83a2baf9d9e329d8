; singlestep.asm -- EFLAGS.TF single-stepping (trap after each instruction,
; DR6.BS, the POPF rule, MOV SS / POP SS inhibition, INT n clearing TF) and
; debug-register breakpoints (instruction fault with RF to resume, data
; write trap, DR7 enables, DR6 status bits).
%define TEST_NAME "singlestep"
%include "sys.inc"

DB_MAX          equ 16
DB_N            equ SCRATCH             ; #DB log: count ...
DB_EIP          equ SCRATCH + 0x10      ; ... saved EIPs
DB_EFL          equ SCRATCH + 0x60      ; ... saved EFLAGS
DB_DR6          equ SCRATCH + 0xB0      ; ... DR6 & 0x400F
H44_EFL         equ SCRATCH + 0x100     ; EFLAGS inside the INT 0x44 handler
H44_FRAME_EFL   equ SCRATCH + 0x104     ; EFLAGS the INT pushed
WVAR            equ SCRATCH + 0x200     ; data breakpoint target
COUNT           equ SCRATCH + 0x204

%define TF      0x100
%define RF      0x10000

; LOGGED n -- exactly n #DBs were logged.
%macro LOGGED 1
        CHECK [DB_N], %1
%endmacro
; LOGAT i, eip, dr6 -- entry i of the log.
%macro LOGAT 3
        CHECK [DB_EIP + (%1) * 4], %2
        CHECK [DB_DR6 + (%1) * 4], %3
%endmacro
; TF_ON / TF_OFF -- the POPF that sets TF is not itself trapped; the one
; that clears it is (TF was set when it started).
%macro TF_ON 0
        pushfd
        or dword [esp], TF
        popfd
%endmacro
%macro TF_OFF 0
        pushfd
        and dword [esp], ~TF
        popfd
%endmacro

main32:
        mov dword [exc_hook], db_hook
        SET_IDT 0x44, h44, SEL_KCODE, GATE_INT32

        STEP 1, "TF: one #DB after each instruction, DR6.BS, EIP = next"
        call clear_log
        TF_ON
.i1:    nop                                 ; first trapped instruction
.i2:    inc eax
.i3:    mov ebx, 1
.i4:    pushfd
.i5:    and dword [esp], ~TF
.i6:    popfd                               ; clears TF, still trapped
.i7:    nop
        LOGGED 6
        LOGAT 0, .i2, 0x4000
        LOGAT 1, .i3, 0x4000
        LOGAT 2, .i4, 0x4000
        LOGAT 3, .i5, 0x4000
        LOGAT 4, .i6, 0x4000
        LOGAT 5, .i7, 0x4000
        mov eax, [DB_EFL]                   ; TF was set in the saved EFLAGS
        and eax, TF
        CHECK eax, TF

        STEP 2, "MOV SS and POP SS hold off the trap for one instruction"
        call clear_log
        TF_ON
.j1:    mov ax, ss
.j2:    mov ss, ax                          ; no #DB between j2 and j3
.j3:    nop
.j4:    push ss
.j5:    pop ss                              ; no #DB between j5 and j6
.j6:    nop
.j7:    pushfd
.j8:    and dword [esp], ~TF
.j9:    popfd
.j10:   LOGGED 7
        LOGAT 0, .j2, 0x4000
        LOGAT 1, .j4, 0x4000
        LOGAT 2, .j5, 0x4000
        LOGAT 3, .j7, 0x4000
        LOGAT 4, .j8, 0x4000
        LOGAT 5, .j9, 0x4000
        LOGAT 6, .j10, 0x4000

        STEP 3, "INT n with TF: handler runs with TF=0, TF back after IRET"
        call clear_log
        TF_ON
.k0:    int 0x44
.k1:    nop
.k2:    pushfd
.k3:    and dword [esp], ~TF
.k4:    popfd
.k5:    mov eax, [H44_EFL]
        and eax, TF
        CHECK eax, 0                        ; INT cleared TF for the handler
        mov eax, [H44_FRAME_EFL]
        and eax, TF
        CHECK eax, TF                       ; and pushed it set
        ; SDM 17.3.1.4: "to single step an interrupt handler, single step an
        ; INT n instruction": the step over INT n traps before the
        ; handler's first instruction (saved EFLAGS.TF=0 there, so the
        ; handler itself is not stepped unless the debugger sets TF).
%ifdef QEMU_QUIRKS
        SKIP "TCG takes no single-step trap for INT n itself"
        LOGGED 4
        mov ebx, 0
%else
        LOGGED 5
        LOGAT 0, h44, 0x4000
        mov eax, [DB_EFL]
        and eax, TF
        CHECK eax, 0
        mov ebx, 1
%endif
        ; After IRET restores TF the instruction after INT is stepped.
        CHECK [DB_EIP + ebx * 4], .k2
        CHECK [DB_EIP + ebx * 4 + 4], .k3
        CHECK [DB_EIP + ebx * 4 + 8], .k4
        CHECK [DB_EIP + ebx * 4 + 12], .k5

        STEP 4, "DR0 execute breakpoint: fault before it, DR6.B0, RF resumes"
        call clear_log
        mov dword [COUNT], 0
        mov eax, .bp4
        mov dr0, eax
        mov eax, 0x00000001                 ; L0, R/W0=00 (execute), LEN0=00
        mov dr7, eax
        nop
.bp4:   inc dword [COUNT]                   ; runs once: RF suppresses re-hit
        nop
        LOGGED 1
        LOGAT 0, .bp4, 0x0001
        CHECK [COUNT], 1
        inc dword [COUNT]                   ; other addresses never trap
        LOGGED 1

        STEP 5, "DR7 enables: L0 and G0 clear -> no breakpoint; G0 works"
        call clear_log
        mov eax, .bp5
        mov dr0, eax
        xor eax, eax
        mov dr7, eax
        call .bp5                           ; DR0 = .bp5 but not enabled
        LOGGED 0
        mov eax, 0x00000002                 ; G0
        mov dr7, eax
        call .bp5
        LOGGED 1
        LOGAT 0, .bp5, 0x0001
        xor eax, eax
        mov dr7, eax
        jmp .over5
.bp5:   ret
.over5:

        STEP 6, "DR1 data write breakpoint: trap after the write, DR6.B1"
        call clear_log
        mov eax, WVAR
        mov dr1, eax
        ; L1 (bit 2), R/W1=01 write (bits 21:20), LEN1=11 4 bytes (23:22)
        mov eax, (1 << 2) | (1 << 20) | (3 << 22)
        mov dr7, eax
        mov eax, [WVAR]                     ; read: no trap for R/W=01
        LOGGED 0
.w6:    mov dword [WVAR], 0x12345678
.n6:    nop
        LOGGED 1
        LOGAT 0, .n6, 0x0002
        mov byte [WVAR + 3], 1              ; any byte of the 4-byte range
.n6b:   LOGGED 2
        LOGAT 1, .n6b, 0x0002
        mov dword [WVAR + 4], 1             ; outside the range
        LOGGED 2
        CHECK [WVAR], 0x01345678            ; the writes happened

        STEP 7, "DR1 read/write breakpoint triggers on a read"
        call clear_log
        mov eax, (1 << 2) | (3 << 20) | (3 << 22)   ; R/W1=11
        mov dr7, eax
        mov eax, [WVAR]
.n7:    xor eax, eax
        mov dr7, eax
        LOGGED 1
        LOGAT 0, .n7, 0x0002
        mov dword [exc_hook], 0
        PASS

clear_log:
        mov dword [DB_N], 0
        push eax
        xor eax, eax
        mov dr6, eax
        pop eax
        ret

; INT 0x44 handler: record EFLAGS inside and the EFLAGS the INT pushed.
h44:
        push eax
        pushfd
        pop eax
        mov [H44_EFL], eax
        mov eax, [esp + 12]
        mov [H44_FRAME_EFL], eax
        pop eax
        iretd

; #DB hook: log EIP/EFLAGS/DR6, clear DR6 (the CPU never clears it), and
; set RF on an instruction breakpoint so the IRET does not re-trigger it.
db_hook:
        cmp dword [ebp + F_VEC], 1
        jne exc_common.unexpected
        mov ecx, [DB_N]
        cmp ecx, DB_MAX
        jae .full
        mov eax, [ebp + F_EIP]
        mov [DB_EIP + ecx * 4], eax
        mov eax, [ebp + F_EFL]
        mov [DB_EFL + ecx * 4], eax
        mov eax, dr6
        and eax, 0x400F
        mov [DB_DR6 + ecx * 4], eax
        inc dword [DB_N]
        test eax, 0x000F
        jz .clear
        mov edx, dr7                        ; B0..B3 of an execute breakpoint?
        bsf ecx, eax
        shl ecx, 2
        add ecx, 16
        shr edx, cl
        test edx, 3                         ; R/W = 00: instruction breakpoint
        jnz .clear
        or dword [ebp + F_EFL], RF
.clear: xor eax, eax
        mov dr6, eax
        ret
.full:  mov dword [exc_hook], 0
        jmp exc_common.unexpected

        ROM_END
