; doublefault.asm -- #DF (vector 8, error code 0) when a contributory fault
; or #PF happens while delivering a contributory fault or #PF; serial
; handling when the first event is a software INT; #DF delivered through an
; interrupt gate and through a task gate to a clean task, including the
; classic kernel-stack overflow (#PF while pushing a #PF frame).
; Triple faults are not tested (they reset the machine).
%define TEST_NAME "doublefault"
%include "sys.inc"

TSS_DF          equ TESTMEM
SEL_DF          equ 0x40
SEL_NPDATA      equ 0x48
DF_STACK        equ 0x4E000
PD              equ 0x20000

R_ERR           equ SCRATCH         ; what the #DF task records
R_ESP           equ SCRATCH + 4
R_LINK          equ SCRATCH + 8
R_CR2           equ SCRATCH + 12
R_NT            equ SCRATCH + 16
DF_COUNT        equ SCRATCH + 20
DF_RESUME_EIP   equ SCRATCH + 24    ; where the #DF task sends the main task
DF_RESUME_ESP   equ SCRATCH + 28
SHORT_IDTR      equ SCRATCH + 32

; NOTPRESENT vec -- make an IDT gate not present (P=0).
%macro NOTPRESENT 1
        and byte [IDT_BASE + (%1) * 8 + 5], 0x7F
%endmacro

; DOUBLEFAULT {instruction} -- it must end in #DF(0) through the harness
; interrupt gate. The saved CS:EIP of a #DF is undefined (abort class), so
; only the vector and error code are checked.
%macro DOUBLEFAULT 1
        mov dword [exc_count], 0
        EXPECT 8, %%r
        %1
        PRINT {"    no exception", 10}
        FAIL
%%r:    CHECK [exc_vec], 8
        CHECK [exc_err], 0
        CHECK [exc_count], 1                ; the first fault never got through
%endmacro

main32:
        SET_DESC SEL_NPDATA, 0, 0xFFFFF, ACC_DATA0 & 0x7F, FL_G | FL_32

        STEP 1, "#GP while #GP's gate is not present (#NP): #DF(0)"
        NOTPRESENT 13
        DOUBLEFAULT {mov ds, word [cs:bad_sel]}
        RESET_IDT 13

        STEP 2, "#DE while #DE's gate is not present: #DF(0)"
        NOTPRESENT 0
        xor edx, edx
        xor ecx, ecx
        DOUBLEFAULT {div ecx}
        RESET_IDT 0

        STEP 3, "#GP while delivering #GP (vector 13 beyond IDT limit): #DF"
        mov word [SHORT_IDTR], 13 * 8 - 1   ; vectors 0..12 only
        mov dword [SHORT_IDTR + 2], IDT_BASE
        lidt [SHORT_IDTR]
        DOUBLEFAULT {mov ds, word [cs:bad_sel]}
        lidt [ram_idtr]

        STEP 4, "#NP while delivering #NP: #DF(0)"
        NOTPRESENT 11
        mov ax, SEL_NPDATA
        DOUBLEFAULT {mov es, ax}
        RESET_IDT 11

        STEP 5, "INT3 via a not-present gate: just #NP(0x1A), no #DF"
        ; Software INT n is not an exception class of the #DF table: the
        ; fault during its delivery is handled serially.
        NOTPRESENT 3
        FAULT 11, 3 * 8 + 2, {int3}
        RESET_IDT 3

        STEP 6, "#DF through a task gate: clean task, error code 0 on its stack"
        mov edi, TSS_DF
        mov ecx, 0x68 / 4
        xor eax, eax
        rep stosd
        mov dword [TSS_DF + 0x20], df_task
        mov dword [TSS_DF + 0x24], 2
        mov dword [TSS_DF + 0x38], DF_STACK
        mov dword [TSS_DF + 0x48], SEL_KDATA
        mov dword [TSS_DF + 0x4C], SEL_KCODE
        mov dword [TSS_DF + 0x50], SEL_KDATA
        mov dword [TSS_DF + 0x54], SEL_KDATA
        SET_DESC SEL_DF, TSS_DF, 0x67, ACC_TSS32, 0
        SET_IDT 8, 0, SEL_DF, GATE_TASK
        NOTPRESENT 13
        mov dword [DF_COUNT], 0
        mov dword [DF_RESUME_EIP], .r6
        mov [DF_RESUME_ESP], esp
        mov ax, SEL_KDATA
        mov ds, word [cs:bad_sel]
        FAIL
.r6:    RESET_IDT 13
        CHECK [DF_COUNT], 1
        CHECK [R_ERR], 0
        CHECK [R_ESP], DF_STACK - 4         ; exactly one dword pushed
        CHECK [R_LINK], SEL_TSS0
        CHECK [R_NT], 0x4000
        str ax
        CHECKW ax, SEL_TSS0
        CHECKW [GDT_BASE + SEL_DF + 5], ACC_TSS32   ; not busy after IRET

        STEP 7, "kernel stack not present: #PF delivering #PF -> #DF task"
        mov edi, PD
        mov ecx, 1024
        xor eax, eax
        rep stosd
        mov dword [PD], 0x87                ; 0-4 MiB: one 4 MiB page
        mov eax, cr4
        or eax, 0x10
        mov cr4, eax
        mov eax, PD
        mov cr3, eax
        mov [TSS0 + 0x1C], eax              ; both tasks need a valid CR3
        mov [TSS_DF + 0x1C], eax
        mov eax, cr0
        or eax, 0x80000000
        mov cr0, eax
        mov dword [DF_RESUME_EIP], .r7
        mov [DF_RESUME_ESP], esp
        mov esp, 0x400100                   ; stack in the unmapped 4-8 MiB
        mov eax, [0x400800]                 ; #PF; its frame push #PFs too
        FAIL
.r7:    CHECK [DF_COUNT], 2
        CHECK [R_ERR], 0
        CHECK [R_ESP], DF_STACK - 4
        mov eax, [R_CR2]                    ; the push fault, below 0x400100
        and eax, 0xFFFFF000
        CHECK eax, 0x400000
        mov eax, cr0
        and eax, 0x7FFFFFFF
        mov cr0, eax
        PASS

bad_sel: dw 0x1000                          ; index past the GDT limit

; The #DF task. The CPU pushed error code 0 on this task's stack; record,
; send the interrupted task to a safe place, return through the back link.
df_task:
        mov eax, [esp]
        mov [R_ERR], eax
        mov [R_ESP], esp
        movzx eax, word [TSS_DF]
        mov [R_LINK], eax
        pushfd
        pop eax
        and eax, 0x4000
        mov [R_NT], eax
        mov eax, cr2
        mov [R_CR2], eax
        inc dword [DF_COUNT]
        mov eax, [DF_RESUME_EIP]
        mov [TSS0 + 0x20], eax
        mov eax, [DF_RESUME_ESP]
        mov [TSS0 + 0x38], eax
        add esp, 4
        iretd
        jmp df_task                         ; the next #DF enters here

        ROM_END
