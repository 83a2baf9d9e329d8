; ring3.asm -- privilege level 3: entry by IRET, return through a DPL3
; interrupt gate with a stack switch to TSS.SS0:ESP0, gate DPL checks for
; INT n, IOPL-sensitive and privileged instructions, and the TSS I/O
; permission bitmap.
%define TEST_NAME "ring3"
%include "sys.inc"

TSS1            equ TESTMEM         ; TSS with an I/O permission bitmap
SEL_TSS1        equ SEL_FREE
IOMAP_OFF       equ 0x68
TSS1_LIMIT      equ IOMAP_OFF + 8192    ; includes the trailing 0xFF byte
PORT_OK         equ 0xE9            ; the one port the bitmap allows
U_ESP           equ STACK3_TOP - 0x40

H80_ESP         equ SCRATCH         ; what the INT 0x80 handler saw
H80_SS          equ SCRATCH + 4
H80_FRAME       equ SCRATCH + 8     ; 5 dwords
H80_EFL         equ SCRATCH + 0x20  ; EFLAGS inside the handler

main32:
        STEP 1, "IRET to ring 3: CS/SS/ESP are the ring-3 values"
        mov eax, u_regs
        call sys_run_ring3
        CHECK eax, SEL_UCODE
        CHECK ebx, SEL_UDATA
        CHECK ecx, STACK3_TOP
        CHECK edx, SEL_UDATA

        STEP 2, "INT 0x80 via DPL3 gate: stack switch, exact ring-0 frame"
        SET_IDT 0x80, h80, SEL_KCODE, GATE_INT32 | DPL3
        mov eax, u_int80
        call sys_run_ring3
        CHECK [H80_ESP], ESP0_TOP - 20      ; frame pushed at TSS.ESP0
        CHECK [H80_SS], SEL_KDATA           ; SS from TSS.SS0
        CHECK [H80_FRAME], u_int80.next     ; EIP3: after INT 0x80
        CHECK [H80_FRAME + 4], SEL_UCODE    ; CS3
        ; POPF at CPL3/IOPL0 silently kept IF=0 and IOPL=0 while the
        ; arithmetic flags took the new values.
        CHECK [H80_FRAME + 8], 0x8D7        ; EFLAGS3
        CHECK [H80_FRAME + 12], U_ESP       ; ESP3
        CHECK [H80_FRAME + 16], SEL_UDATA   ; SS3
        mov eax, [H80_EFL]                  ; interrupt gate: IF and TF clear
        and eax, 0x300
        CHECK eax, 0

        STEP 3, "IRET to ring 3 nulls DS/ES/FS/GS holding DPL0 selectors"
        call r3_with_dpl0_segs
        CHECK eax, 0                        ; DS (was SEL_KDATA)
        CHECK ebx, 0                        ; ES (was SEL_KDATA)
        CHECK ecx, SEL_UDATA                ; FS (DPL3: kept)
        CHECK edx, 0                        ; GS (was SEL_KDATA)

        STEP 4, "ring-3 INT n / INT3 through a DPL0 gate: #GP(n*8+2)"
        EXPECT 13, u_int_dpl0.r
        mov eax, u_int_dpl0
        call sys_run_ring3
        CHECK [exc_vec], 13
        CHECK [exc_err], 0x41 * 8 + 2
        CHECK [exc_eip], u_int_dpl0.f
        CHECK [exc_cs], SEL_UCODE
        CHECK [exc_ss], SEL_UDATA           ; #GP taken with a stack switch
        EXPECT 13, u_int3_dpl0.r
        mov eax, u_int3_dpl0
        call sys_run_ring3
        CHECK [exc_err], 3 * 8 + 2
        CHECK [exc_eip], u_int3_dpl0.f

        STEP 5, "INT3 through a DPL3 gate: #BP, saved EIP after the CC"
        SET_IDT 3, exc_stubs + 3 * 16, SEL_KCODE, GATE_INT32 | DPL3
        EXPECT 3, u_int3_dpl0.r
        mov eax, u_int3_dpl0
        call sys_run_ring3
        CHECK [exc_vec], 3
        CHECK [exc_eip], u_int3_dpl0.f + 1
        RESET_IDT 3

        STEP 6, "exceptions ignore gate DPL: ring-3 #DE via DPL0 gate"
        EXPECT 0, u_div0.r
        mov eax, u_div0
        call sys_run_ring3
        CHECK [exc_vec], 0
        CHECK [exc_eip], u_div0.f
        CHECK [exc_cs], SEL_UCODE

        STEP 7, "privileged instructions at CPL3: #GP(0)"
        mov eax, u_priv
        call sys_run_ring3
        CHECK eax, 0x600D

        STEP 8, "IN/OUT/CLI with CPL > IOPL and no I/O bitmap: #GP(0)"
        mov eax, u_io_denied
        call sys_run_ring3
        CHECK eax, 0x600D

        STEP 9, "I/O permission bitmap allows exactly port 0xE9"
        mov edi, TSS1
        mov ecx, 0x68 / 4
        xor eax, eax
        rep stosd
        mov dword [TSS1 + 4], ESP0_TOP
        mov dword [TSS1 + 8], SEL_KDATA
        mov word [TSS1 + 0x66], IOMAP_OFF
        mov edi, TSS1 + IOMAP_OFF           ; all ports denied ...
        mov ecx, 8192 + 1                   ; ... plus the 0xFF terminator
        mov al, 0xFF
        rep stosb
        mov eax, PORT_OK                    ; ... except one (register bit
        btr [TSS1 + IOMAP_OFF], eax         ; offset: an imm8 would wrap)
        SET_DESC SEL_TSS1, TSS1, TSS1_LIMIT, ACC_TSS32, 0
        mov ax, SEL_TSS1
        ltr ax
        mov eax, u_io_bitmap
        call sys_run_ring3
        CHECK eax, 0x600D

        STEP 10, "IOPL=3: ring-3 I/O and CLI/STI-class ops skip the bitmap"
        mov dword [r3_eflags], 0x3002
        mov eax, u_io_iopl3
        call sys_run_ring3
        CHECK eax, 0x600D
        mov eax, [r3_frame + 8]
        and eax, 0x3000
        CHECK eax, 0x3000
        mov dword [r3_eflags], 0x0002

        STEP 11, "ring 3 loading DPL0 selectors: #GP(selector)"
        mov eax, u_sel_dpl0
        call sys_run_ring3
        CHECK eax, 0x600D
        PASS

; Like sys_run_ring3(u_segs) but with DPL0 selectors left in DS/ES/GS.
r3_with_dpl0_segs:
        pushad
        mov [r3_saved_esp], esp
        mov ax, SEL_KDATA
        mov ds, ax
        mov es, ax
        mov gs, ax
        mov ax, SEL_UDATA
        mov fs, ax
        push dword SEL_UDATA
        push dword STACK3_TOP
        push dword 2
        push dword SEL_UCODE
        push dword u_segs
        iretd

; INT 0x80 handler: record what the CPU built, then leave like INT 0xF0.
h80:
        mov [ss:H80_ESP], esp
        mov [ss:H80_SS], ss
        push eax
        pushfd
        pop eax
        mov [ss:H80_EFL], eax
        mov eax, [esp + 4]
        mov [ss:H80_FRAME], eax
        mov eax, [esp + 8]
        mov [ss:H80_FRAME + 4], eax
        mov eax, [esp + 12]
        mov [ss:H80_FRAME + 8], eax
        mov eax, [esp + 16]
        mov [ss:H80_FRAME + 12], eax
        mov eax, [esp + 20]
        mov [ss:H80_FRAME + 16], eax
        pop eax
        jmp sys_r3_return

; ------------------------------------------------------------ ring-3 code
u_regs:
        mov eax, cs
        mov ebx, ss
        mov ecx, esp
        mov edx, ds
        int VEC_R3RET

u_int80:
        mov esp, U_ESP
        push dword 0x3AD5                   ; IOPL=3, IF=1 + arithmetic flags
        popfd
        int 0x80
.next:  ud2                                 ; never resumed

u_segs:
        mov eax, ds
        mov ebx, es
        mov ecx, fs
        mov edx, gs
        mov di, SEL_UDATA
        mov ds, di
        mov es, di
        mov gs, di
        int VEC_R3RET

u_int_dpl0:
.f:     int 0x41
        ud2
.r:     int VEC_R3RET

u_int3_dpl0:
.f:     int3
.r:     int VEC_R3RET

u_div0:
        xor edx, edx
        mov eax, 1
        xor ecx, ecx
.f:     div ecx
        ud2
.r:     int VEC_R3RET

u_priv:
        FAULT 13, 0, {hlt}
        FAULT 13, 0, {mov eax, cr0}
        FAULT 13, 0, {mov cr3, eax}
        FAULT 13, 0, {lgdt [ram_gdtr]}
        FAULT 13, 0, {lidt [ram_idtr]}
        FAULT 13, 0, {clts}
        FAULT 13, 0, {lmsw ax}
        FAULT 13, 0, {invlpg [0]}
        FAULT 13, 0, {mov eax, dr7}
        mov ax, SEL_TSS0
        FAULT 13, 0, {ltr ax}
        mov eax, 0x600D
        int VEC_R3RET

u_io_denied:
        FAULT 13, 0, {in al, 0xE9}
        FAULT 13, 0, {out 0xE9, al}
        mov dx, 0xE9
        FAULT 13, 0, {out dx, eax}
        FAULT 13, 0, {cli}
        FAULT 13, 0, {sti}
        mov eax, 0x600D
        int VEC_R3RET

u_io_bitmap:
        mov al, '*'                         ; allowed: prints "*" then newline
        out PORT_OK, al
        mov al, 10
        mov dx, PORT_OK
        out dx, al
        in al, dx
        FAULT 13, 0, {out 0xE8, al}         ; neighbour below is denied
        FAULT 13, 0, {out 0xEA, al}         ; neighbour above is denied
        mov dx, PORT_OK                     ; 16-bit access needs 0xE9 and 0xEA
        FAULT 13, 0, {out dx, ax}
        mov dx, 0xE8                        ; and one starting below
        FAULT 13, 0, {in ax, dx}
        FAULT 13, 0, {cli}                  ; the bitmap does not cover CLI
        mov eax, 0x600D
        int VEC_R3RET

u_io_iopl3:
        mov dx, 0x80                        ; denied in the bitmap, IOPL wins
        mov al, 0
        out dx, al
        cli
        mov al, '+'
        out PORT_OK, al
        mov al, 10
        out PORT_OK, al
        mov eax, 0x600D
        int VEC_R3RET

u_sel_dpl0:
        mov ax, SEL_KDATA
        FAULT 13, SEL_KDATA, {mov ds, ax}
        FAULT 13, SEL_KDATA, {mov ss, ax}
        mov ax, SEL_UDATA & 0xFFFC          ; RPL0: SS needs RPL = CPL
        FAULT 13, SEL_UDATA & 0xFFFC, {mov ss, ax}
        FAULT 13, SEL_KCODE, {jmp SEL_KCODE:0}
        mov eax, 0x600D
        int VEC_R3RET

        ROM_END
