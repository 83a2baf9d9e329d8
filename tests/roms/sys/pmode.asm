; pmode.asm -- real mode <-> 16/32-bit protected mode transitions,
; descriptor-table registers, LMSW/SMSW, and segment-cache behaviour
; (limits survive a return to real mode: "unreal" mode).
%define TEST_NAME "pmode"
%define REAL_MAIN
%include "sys.inc"

MARK_ADDR       equ 0x200000        ; above 1 MiB: reachable only with a 32-bit offset
PSEUDO          equ SCRATCH         ; 6-byte pseudo-descriptor for LGDT/LIDT
STORE           equ SCRATCH + 0x10  ; SGDT/SIDT destination
RM_GP_HIT       equ SCRATCH + 0x20  ; real-mode #GP handler: hit count
RM_GP_IP        equ SCRATCH + 0x24  ;   faulting IP
RM_GP_RESUME    equ SCRATCH + 0x28  ;   where to continue

        bits 16
main16:
        ; Make 2 MiB a distinct address (bit 0 of port 0x92 is a reset: keep 0).
        in al, 0x92
        or al, 2
        and al, 0xFE
        out 0x92, al

        STEP 1, "real mode at reset: CR0.PE=0, SMSW agrees"
        mov eax, cr0
        and eax, 1
        CHECK eax, 0
        smsw ax
        and ax, 1
        CHECKW ax, 0

        STEP 2, "LGDT/SGDT with 32-bit operand size keep the full base"
        mov word [PSEUDO], 0x1234
        mov dword [PSEUDO + 2], 0x12345678
        o32 lgdt [PSEUDO]
        mov dword [STORE], 0
        mov dword [STORE + 4], 0
        o32 sgdt [STORE]
        CHECKW [STORE], 0x1234
        CHECK [STORE + 2], 0x12345678

        STEP 3, "LGDT with 16-bit operand size loads only a 24-bit base"
        ; SDM LGDT: with a 16-bit operand the high byte of the base is zeroed.
        o16 lgdt [PSEUDO]
        o32 sgdt [STORE]
        CHECK [STORE + 2], 0x00345678

        STEP 4, "LIDT/SIDT round trip, then back to the real-mode IVT"
        mov word [PSEUDO], 0x0ABC
        mov dword [PSEUDO + 2], 0x00FEDCBA
        o32 lidt [PSEUDO]
        o32 sidt [STORE]
        CHECKW [STORE], 0x0ABC
        CHECK [STORE + 2], 0x00FEDCBA
        call load_real_ivt
        o32 sidt [STORE]
        CHECKW [STORE], 0x03FF
        CHECK [STORE + 2], 0

        ; Real-mode #GP (vector 13) handler for the limit checks below.
        mov word [13 * 4], RO(rm_gp)
        mov word [13 * 4 + 2], 0xF000

        STEP 5, "MOV CR0.PE=1 and a far jump to a 16-bit PM code segment"
        push ds                             ; copy the GDT template to RAM
        mov ax, 0xF000
        mov ds, ax
        mov si, RO(gdt_template)
        mov di, GDT_BASE
        mov cx, gdt_template_end - gdt_template
        rep movsb
        pop ds
        mov bx, RO(ram_gdtr)
        o32 lgdt [cs:bx]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp SEL_KCODE16:RO(pm16a)
pm16a:
        mov ax, cs
        CHECKW ax, SEL_KCODE16
        smsw ax
        and ax, 1
        CHECKW ax, 1

        STEP 6, "16-bit PM with a 4 GiB data segment reaches 2 MiB"
        mov ax, SEL_KDATA
        mov ds, ax
        mov es, ax
        mov dword [dword MARK_ADDR], 0xCAFEBABE
        mov dword [dword MARK_ADDR + 4], 0x600DF00D
        CHECK [dword MARK_ADDR], 0xCAFEBABE

        STEP 7, "far jump 16-bit PM -> 32-bit PM; SGDT sees the RAM GDT"
        jmp dword SEL_KCODE:pm32a
        bits 32
pm32a:
        mov ax, SEL_KDATA
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, KSTACK_TOP
        call sys_init_tables                ; IDT + harness exception handlers
        mov eax, cs
        CHECK eax, SEL_KCODE
        sgdt [STORE]
        CHECKW [STORE], GDT_LIMIT
        CHECK [STORE + 2], GDT_BASE
        sidt [STORE]
        CHECKW [STORE], IDT_LIMIT
        CHECK [STORE + 2], IDT_BASE
        CHECK [dword MARK_ADDR + 4], 0x600DF00D

        STEP 8, "32-bit PM: a 64 KiB data segment enforces its limit"
        mov ax, SEL_KDATA16
        mov es, ax
        mov dword [es:0xFFFC], 0x11223344   ; last dword inside: fine
        CHECK [0xFFFC], 0x11223344
%ifdef QEMU_QUIRKS
        SKIP "TCG does not check data segment limits"
%else
        FAULT 13, 0, {mov eax, [es:0xFFFD]}  ; crosses the limit
        FAULT 13, 0, {mov eax, [es:0x10000]}
%endif

        STEP 9, "LMSW cannot clear PE; LMSW sets TS, CLTS clears it"
        smsw ax
        and ax, 0xFFFE
        lmsw ax
        mov eax, cr0
        and eax, 1
        CHECK eax, 1
        smsw ax
        or ax, 8
        lmsw ax
        mov eax, cr0
        and eax, 8
        CHECK eax, 8
        clts
        smsw ax
        and eax, 8
        CHECK eax, 0

        STEP 10, "32-bit PM -> 16-bit PM -> real mode with 4 GiB limits"
        jmp SEL_KCODE16:RO(pm16b)
        bits 16
pm16b:
        mov ax, SEL_KDATA                   ; 4 GiB limit into DS/ES/FS/GS
        mov ds, ax
        mov es, ax
        mov fs, ax
        mov gs, ax
        mov ax, SEL_KDATA16                 ; SS stays a 16-bit (B=0) segment
        mov ss, ax
        mov esp, REAL_SP
        call load_real_ivt
        mov eax, cr0
        and al, 0xFE
        mov cr0, eax
        jmp 0xF000:RO(rm2)
rm2:
        xor ax, ax
        mov ss, ax
        mov sp, REAL_SP
        mov ds, ax                          ; base 0; the limit is not touched
        mov es, ax
        mov fs, ax
        mov gs, ax
        mov eax, cr0
        and eax, 1
        CHECK eax, 0

        STEP 11, "unreal mode: DS/FS keep the 4 GiB limit in real mode"
        CHECK [dword MARK_ADDR], 0xCAFEBABE
        CHECK [fs:dword MARK_ADDR + 4], 0x600DF00D
        mov dword [dword MARK_ADDR + 8], 0x12345678

        STEP 12, "real-mode segment arithmetic: base = selector * 16"
        mov ax, 0x1234
        mov es, ax
        mov dword [es:0x0010], 0xA5A55A5A   ; 0x12340 + 0x10
        CHECK [dword 0x12350], 0xA5A55A5A
        xor ax, ax
        mov es, ax

        STEP 13, "LMSW sets PE from real mode; reload 64 KiB descriptors"
        smsw ax
        or al, 1
        lmsw ax
        jmp SEL_KCODE16:RO(pm16c)
pm16c:
        mov ax, SEL_KDATA                   ; check the 32-bit PM write landed
        mov ds, ax
        CHECK [dword MARK_ADDR + 8], 0x12345678
        mov ax, SEL_KDATA16
        mov ds, ax
        mov es, ax
        mov fs, ax
        mov gs, ax
        mov ss, ax
        mov eax, cr0
        and al, 0xFE
        mov cr0, eax
        jmp 0xF000:RO(rm3)
rm3:
        xor ax, ax
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov sp, REAL_SP

        STEP 14, "back to 64 KiB limits: offset 0x10000 faults in real mode"
        mov word [RM_GP_HIT], 0
        mov dword [0xFFFC], 0x99887766
        CHECK [0xFFFC], 0x99887766
%ifdef QEMU_QUIRKS
        SKIP "TCG does not check segment limits"
%else
        ; Real mode reports a limit violation as #GP through IVT[13], no
        ; error code; the saved IP is the faulting instruction.
        mov word [RM_GP_RESUME], RO(.r1)
.f1:    mov eax, [dword 0x10000]
        FAIL
.r1:    CHECKW [RM_GP_HIT], 1
        CHECKW [RM_GP_IP], RO(.f1)
        mov word [RM_GP_RESUME], RO(.r2)
.f2:    mov eax, [dword MARK_ADDR]
        FAIL
.r2:    CHECKW [RM_GP_HIT], 2
        CHECKW [RM_GP_IP], RO(.f2)
%endif
        PASS

; Point IDTR at the real-mode IVT (base 0, limit 0x3FF).
load_real_ivt:
        mov word [ss:PSEUDO], 0x03FF
        mov dword [ss:PSEUDO + 2], 0
        o32 lidt [ss:PSEUDO]
        ret

rm_gp:
        push bp
        mov bp, sp
        push ax
        inc word [RM_GP_HIT]
        mov ax, [bp + 2]
        mov [RM_GP_IP], ax
        mov ax, [RM_GP_RESUME]
        mov [bp + 2], ax
        pop ax
        pop bp
        iret

        ROM_END
