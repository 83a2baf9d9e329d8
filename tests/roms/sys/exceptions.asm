; exceptions.asm -- every exception vector a 386..Pentium Pro can raise
; (except #DF, see doublefault.asm, and #MC), each with its error code or
; none, and with the saved EIP of a fault (the faulting instruction) versus
; a trap (the next instruction).
%define TEST_NAME "exceptions"
%include "sys.inc"

SEL_NPDATA      equ 0x40            ; data, not present
SEL_XONLY       equ 0x48            ; execute-only code
SEL_RODATA      equ 0x50            ; read-only data
SEL_TSSSMALL    equ 0x58            ; TSS with limit 0x60 (< 0x67)
SEL_TSSBADDS    equ 0x60            ; TSS whose DS selector is invalid
SEL_NPCODE      equ 0x68            ; code, not present
SEL_SSLIM       equ 0x70            ; stack segment, limit 0x7FFFF
SEL_SMALL       equ 0x78            ; data, limit 0xFF

TSS_SMALL       equ TESTMEM
TSS_BADDS       equ TESTMEM + 0x1000
BAD_DS          equ 0x1000          ; index past the GDT limit
PD              equ 0x20000

BOUNDS          equ SCRATCH         ; dd 0, 10
TS_TR           equ SCRATCH + 0x10  ; TR seen in the task after a late #TS
FPCW            equ SCRATCH + 0x20

main32:
        SET_DESC SEL_NPDATA, 0, 0xFFFFF, ACC_DATA0 & 0x7F, FL_G | FL_32
        SET_DESC SEL_XONLY, 0, 0xFFFFF, 0x99, FL_G | FL_32
        SET_DESC SEL_RODATA, 0, 0xFFFFF, 0x91, FL_G | FL_32
        SET_DESC SEL_TSSSMALL, TSS_SMALL, 0x60, ACC_TSS32, 0
        SET_DESC SEL_TSSBADDS, TSS_BADDS, 0x67, ACC_TSS32, 0
        SET_DESC SEL_NPCODE, 0, 0xFFFFF, ACC_CODE0 & 0x7F, FL_G | FL_32
        SET_DESC SEL_SSLIM, 0, 0x7FFFF, ACC_DATA0, FL_32
        SET_DESC SEL_SMALL, 0, 0xFF, ACC_DATA0, FL_32

        STEP 1, "#DE: DIV by zero and IDIV overflow are faults"
        xor edx, edx
        mov eax, 5
        xor ecx, ecx
        FAULT 0, -1, {div ecx}
        mov edx, 0xFFFFFFFF                 ; EDX:EAX = -2^31
        mov eax, 0x80000000
        mov ecx, -1
        FAULT 0, -1, {idiv ecx}             ; quotient 2^31 does not fit
        mov ax, 0x1000
        mov cl, 2
        FAULT 0, -1, {div cl}               ; quotient 0x800 > 0xFF

        STEP 2, "#DB from ICEBP (F1) is a trap"
%ifdef QEMU_QUIRKS
        ; QEMU builds ICEBP only with WANT_ICEBP (off): F1 is #UD there.
        SKIP "TCG raises #UD for ICEBP (F1)"
%else
        EXPECT 1, .r2
.f2:    db 0xF1
.n2:    FAIL
.r2:    CHECK [exc_vec], 1
        CHECK [exc_eip], .n2
%endif

        STEP 3, "#DB from EFLAGS.TF: trap after the instruction after POPF"
        pushfd
        or dword [esp], 0x100
        EXPECT 1, .r3
        popfd
        nop                                 ; TF takes effect after this one
.n3:    nop
        FAIL
.r3:    CHECK [exc_vec], 1
        CHECK [exc_eip], .n3
        pushfd
        pop eax
        and eax, 0x100                      ; handler path cleared TF
        CHECK eax, 0

        STEP 4, "#BP: INT3 and INT 3 are traps (EIP after the instruction)"
        EXPECT 3, .r4
        int3
.n4:    FAIL
.r4:    CHECK [exc_vec], 3
        CHECK [exc_eip], .n4
        EXPECT 3, .r4b
        int 3                               ; CD 03
.n4b:   FAIL
.r4b:   CHECK [exc_eip], .n4b

        STEP 5, "#OF: INTO traps only with OF=1"
        mov al, 0x10
        add al, 1                           ; OF=0: INTO does nothing
        into
        mov al, 0x7F
        add al, 1                           ; OF=1
        EXPECT 4, .r5
        into
.n5:    FAIL
.r5:    CHECK [exc_vec], 4
        CHECK [exc_eip], .n5

        STEP 6, "#BR: BOUND out of range is a fault"
        mov dword [BOUNDS], 0
        mov dword [BOUNDS + 4], 10
        mov eax, 10
        bound eax, [BOUNDS]                 ; inclusive upper bound: fine
        mov eax, 11
        FAULT 5, -1, {bound eax, [BOUNDS]}
        mov eax, -1
        FAULT 5, -1, {bound eax, [BOUNDS]}  ; signed compare

        STEP 7, "#UD: UD2, LOCK on non-lockable forms, MOV to CS"
        FAULT 6, -1, {ud2}
        FAULT 6, -1, {db 0xF0, 0x90}        ; LOCK NOP
        FAULT 6, -1, {db 0xF0, 0x01, 0xD8}  ; LOCK ADD EAX, EBX (reg dest)
        FAULT 6, -1, {db 0x8E, 0xC8}        ; MOV CS, AX
        mov eax, SCRATCH + 0x100
        lock add [eax], ebx                 ; memory destination: allowed

        STEP 8, "#NM: x87 op with CR0.TS=1, with CR0.EM=1; WAIT and MP"
        clts
        fninit
        mov eax, cr0
        or eax, 8                           ; TS
        and eax, ~(4 | 2)                   ; EM=0 MP=0
        mov cr0, eax
        FAULT 7, -1, {fld1}
        fwait                               ; MP=0: WAIT ignores TS
        mov eax, cr0
        or eax, 2                           ; MP=1
        mov cr0, eax
        FAULT 7, -1, {fwait}
        mov eax, cr0
        and eax, ~8                         ; TS=0 EM=1
        or eax, 4
        mov cr0, eax
        FAULT 7, -1, {fld1}
        fwait                               ; EM does not affect WAIT
        mov eax, cr0
        and eax, ~(4 | 8)
        mov cr0, eax

        STEP 9, "#TS: task switch to a TSS with limit < 0x67: #TS(selector)"
        FAULT 10, SEL_TSSSMALL, {jmp SEL_TSSSMALL:0}
        str ax
        CHECKW ax, SEL_TSS0                 ; no switch happened

        STEP 10, "#TS: invalid DS in the new TSS, raised in the new task"
        mov edi, TSS_BADDS
        mov ecx, 0x68 / 4
        xor eax, eax
        rep stosd
        mov dword [TSS_BADDS + 0x20], task_badds    ; EIP
        mov dword [TSS_BADDS + 0x24], 2             ; EFLAGS
        mov dword [TSS_BADDS + 0x38], 0x4D000       ; ESP
        mov dword [TSS_BADDS + 0x48], SEL_KDATA     ; ES
        mov dword [TSS_BADDS + 0x4C], SEL_KCODE     ; CS
        mov dword [TSS_BADDS + 0x50], SEL_KDATA     ; SS
        mov dword [TSS_BADDS + 0x54], BAD_DS        ; DS
        mov dword [exc_hook], ts_hook
        mov dword [exc_vec], -1
        jmp SEL_TSSBADDS:0
.back10:
        mov dword [exc_hook], 0
        CHECK [exc_vec], 10
        CHECK [exc_err], BAD_DS
        ; After the commit point the fault belongs to the new task (SDM
        ; 7.3 step 12): the saved EIP is that task's first instruction.
%ifdef QEMU_QUIRKS
        SKIP "TCG saves a bogus EIP for a #TS raised after the commit point"
%else
        CHECK [exc_eip], task_badds
%endif
        CHECK [TS_TR], SEL_TSSBADDS         ; handled in the new task
        str ax
        CHECKW ax, SEL_TSS0

        STEP 11, "#NP: not-present data segment, code segment and gate"
        mov ax, SEL_NPDATA
        FAULT 11, SEL_NPDATA, {mov ds, ax}
        FAULT 11, SEL_NPDATA, {mov fs, ax}
        FAULT 11, SEL_NPCODE, {call SEL_NPCODE:0}
        SET_IDT 0x60, exc_stubs, SEL_KCODE, GATE_INT32 & 0x7F
        FAULT 11, 0x60 * 8 + 2, {int 0x60}  ; IDT bit (1) in the error code
        RESET_IDT 0x60

        STEP 12, "#SS: not-present SS: #SS(sel); SS limit violation: #SS(0)"
        mov ax, SEL_NPDATA
        FAULT 12, SEL_NPDATA, {mov ss, ax}
        mov ax, SEL_SSLIM                   ; ESP is inside the new limit
        mov ss, ax
        mov ebp, 0x7FFFC
        mov eax, [ebp]                      ; last dword inside the limit
%ifdef QEMU_QUIRKS
        SKIP "TCG does not check SS limits"
%else
        mov ebp, 0x80000
        FAULT 12, 0, {mov eax, [ebp]}       ; EBP-based: SS segment
        FAULT 12, 0, {mov eax, [ss:0x7FFFE]}
%endif
        mov ax, SEL_KDATA
        mov ss, ax

        STEP 13, "#GP on selector loads: error code = selector"
        mov ax, SEL_XONLY
        FAULT 13, SEL_XONLY, {mov ds, ax}   ; execute-only code into DS
        mov ax, SEL_RODATA
        FAULT 13, SEL_RODATA, {mov ss, ax}  ; read-only data into SS
        xor eax, eax
        FAULT 13, 0, {mov ss, ax}           ; null SS: #GP(0)
        mov ax, 0x1000 | 3
        FAULT 13, 0x1000, {mov es, ax}      ; beyond the GDT limit (RPL dropped)
        mov ax, 0x0004 | 0x38               ; TI=1 with a null LDT
        FAULT 13, 0x3C, {mov es, ax}
        FAULT 13, SEL_KDATA, {jmp SEL_KDATA:0}  ; far JMP to a data segment
        mov ax, SEL_TSS0
        FAULT 13, SEL_TSS0, {mov ds, ax}    ; system descriptor into DS

        STEP 14, "#GP(0) on use: null DS, limit, write to read-only data"
%ifdef QEMU_QUIRKS
        SKIP "TCG does not check null/limit/writability on data accesses"
%else
        ; EXPECT stores through DS, so arm it before DS goes null
        EXPECT 13, .null_r
        xor eax, eax
        mov ds, ax                          ; loading null is allowed ...
.null_f: mov eax, [0x100]                   ; ... using it is #GP(0)
        mov ax, SEL_KDATA
        mov ds, ax
        PRINT {"    no exception", 10}
        FAIL
.null_r: mov ax, SEL_KDATA                  ; the handler restored the null DS
        mov ds, ax
        CHECK [exc_vec], 13
        CHECK [exc_err], 0
        CHECK [exc_eip], .null_f
        mov ax, SEL_SMALL
        mov es, ax
        mov eax, [es:0xFC]
        FAULT 13, 0, {mov eax, [es:0xFD]}   ; crosses the limit
        mov ax, SEL_RODATA
        mov es, ax
        mov eax, [es:0x100]                 ; reads are fine
        FAULT 13, 0, {mov dword [es:0x100], 1}
        mov ax, SEL_KDATA
        mov es, ax
%endif
        mov ax, SEL_KDATA
        mov es, ax
        mov ds, ax

        STEP 15, "#PF: not-present page, error code and CR2"
        mov edi, PD
        mov ecx, 1024
        xor eax, eax
        rep stosd
        mov dword [PD], 0x00000087          ; 4 MiB identity page, user r/w
        mov dword [PD + 4], 0               ; 4-8 MiB: not present
        mov eax, cr4
        or eax, 0x10
        mov cr4, eax
        mov eax, PD
        mov cr3, eax
        mov eax, cr0
        or eax, 0x80000000
        mov cr0, eax
        FAULT 14, 0, {mov eax, [0x400010]}
        CHECK [exc_cr2], 0x400010
        FAULT 14, 2, {mov dword [0x7FFFFC], 0}
        CHECK [exc_cr2], 0x7FFFFC
        mov eax, cr0
        and eax, 0x7FFFFFFF
        mov cr0, eax

        STEP 16, "#MF: unmasked x87 error reported at the next waiting op"
        mov eax, cr0
        or eax, 0x20                        ; NE: native #MF reporting
        mov cr0, eax
        clts                                ; (set by the task switches above)
        fninit
        fnstcw [FPCW]
        and word [FPCW], ~4                 ; unmask zero-divide
        fldcw [FPCW]
        fld1
        fldz
        fdivp st1                           ; sets ZE + ES, no exception yet
        FAULT 16, -1, {fwait}
        fnstsw ax
        and ax, 0x84                        ; ES and ZE still set
        CHECKW ax, 0x84
%ifdef QEMU_QUIRKS
        SKIP "TCG reports a pending x87 error only at FWAIT, not at FLD"
%else
        FAULT 16, -1, {fld1}                ; any waiting x87 op reports it
%endif
        fnclex
        fwait                               ; cleared: no more #MF
        fninit

        STEP 17, "#AC: CR0.AM=1, EFLAGS.AC=1, misaligned access at CPL3"
        mov eax, cr0
        or eax, 1 << 18
        mov cr0, eax
        mov eax, [SCRATCH + 0x101]          ; CPL0: never checked
%ifdef QEMU_QUIRKS
        SKIP "TCG does not implement alignment checking (#AC)"
%endif
        mov dword [r3_eflags], 0x40002
        mov eax, u_ac
        call sys_run_ring3
        mov dword [r3_eflags], 2
        CHECK eax, 0x600D
        mov eax, cr0
        and eax, ~(1 << 18)
        mov cr0, eax
        PASS

; #TS raised inside the new task: DS holds the bad selector, so make the
; frame return with a usable DS and continue in the new task.
ts_hook:
        cmp dword [ebp + F_VEC], 10
        jne exc_common.unexpected
        mov dword [ebp + F_DS], SEL_KDATA
        mov dword [ebp + F_ES], SEL_KDATA
        mov dword [ebp + F_EIP], ts_in_new_task
        mov dword [exc_hook], 0
        ret

task_badds:
        ud2                                 ; never executed
ts_in_new_task:
        str ax
        movzx eax, ax
        mov [TS_TR], eax
        jmp SEL_TSS0:0                      ; back to main (after its JMP)

u_ac:
        mov eax, [SCRATCH + 0x104]          ; aligned: fine
        mov ax, [SCRATCH + 0x106]
%ifndef QEMU_QUIRKS
        FAULT 17, 0, {mov eax, [SCRATCH + 0x101]}
        FAULT 17, 0, {mov word [SCRATCH + 0x103], 0}
%endif
        pushfd                              ; AC=0 in ring 3: no checks
        and dword [esp], ~0x40000
        popfd
        mov eax, [SCRATCH + 0x101]
        mov eax, 0x600D
        int VEC_R3RET

        ROM_END
