; misc.asm -- assorted protected-mode details: CPUID basics, segment bases,
; the LDT, expand-down data segments, conforming code segments, LAR, LSL,
; VERR, VERW and ARPL, and the unprivileged store-descriptor instructions.
%define TEST_NAME "misc"
%include "sys.inc"

SEL_BASED       equ 0x40            ; data, base 0x12345
SEL_XDOWN       equ 0x48            ; expand-down data, B=1, limit 0x0FFF
SEL_XDOWN16     equ 0x50            ; expand-down data, B=0, limit 0x0FFF
SEL_XONLY       equ 0x58            ; execute-only code
SEL_RODATA      equ 0x60            ; read-only data
SEL_CONF        equ 0x68            ; conforming readable code, DPL0
SEL_GATE        equ 0x70            ; a call gate (system descriptor)
SEL_LDT         equ 0x78            ; an LDT
SEL_CONF3       equ 0x80            ; conforming code, DPL3
LDT_BASE        equ SCRATCH + 0x800
LDT_SEL         equ 0x0C            ; LDT entry 1, TI=1, RPL 0

CPUID_BUF       equ SCRATCH
R3_CS           equ SCRATCH + 0x20  ; CS seen inside conforming code
R3_RESULTS      equ SCRATCH + 0x40

main32:
        SET_DESC SEL_BASED, 0x12345, 0xFFFF, ACC_DATA0, FL_32
        SET_DESC SEL_XDOWN, 0, 0x0FFF, 0x97, FL_32
        SET_DESC SEL_XDOWN16, 0, 0x0FFF, 0x97, 0
        SET_DESC SEL_XONLY, 0, 0xFFFFF, 0x99, FL_G | FL_32
        SET_DESC SEL_RODATA, 0, 0xFFFFF, 0x91, FL_G | FL_32
        SET_DESC SEL_CONF, 0, 0xFFFFF, 0x9F, FL_G | FL_32
        SET_GATE SEL_GATE, main32, SEL_KCODE, GATE_CALL32, 0
        SET_DESC SEL_LDT, LDT_BASE, 0x0F, ACC_LDT, 0
        SET_DESC SEL_CONF3, 0, 0xFFFFF, 0xFF, FL_G | FL_32

        STEP 1, "CPUID: EFLAGS.ID toggles, leaf 0 and leaf 1 basics"
        pushfd
        pop eax
        mov ebx, eax
        xor eax, 1 << 21
        push eax
        popfd
        pushfd
        pop eax
        xor eax, ebx
        and eax, 1 << 21
        CHECK eax, 1 << 21                  ; ID is writable: CPUID exists
        xor eax, eax
        cpuid
        mov [CPUID_BUF], ebx
        mov [CPUID_BUF + 4], edx
        mov [CPUID_BUF + 8], ecx
        mov byte [CPUID_BUF + 12], 0
        cmp eax, 1
        jae .leaf_ok
        FAIL
.leaf_ok:
        PRINT "    vendor "
        mov esi, CPUID_BUF
.pv:    lodsb                               ; (reads via DS: RAM copy)
        test al, al
        jz .pvd
        out 0xE9, al
        jmp .pv
.pvd:   PRINT {10}
        mov eax, 1
        cpuid
        mov ecx, eax
        shr ecx, 8
        and ecx, 0x0F
        cmp ecx, 6                          ; Pentium Pro class: family 6
        jae .fam_ok
        FAIL
.fam_ok:
        ; FPU DE PSE TSC MSR CX8 PGE CMOV
        and edx, (1 << 0) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 8) | (1 << 13) | (1 << 15)
        CHECK edx, (1 << 0) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 8) | (1 << 13) | (1 << 15)

        STEP 2, "segment base arithmetic and an LDT selector (TI=1)"
        mov dword [0x12345 + 0x10], 0xBA5EBA5E
        mov ax, SEL_BASED
        mov es, ax
        CHECK [es:0x10], 0xBA5EBA5E
        mov dword [LDT_BASE], 0             ; LDT: null, then a based segment
        mov dword [LDT_BASE + 4], 0
        mov word [LDT_BASE + 8], 0xFFFF     ; limit
        mov word [LDT_BASE + 10], 0x1000    ; base 0x021000
        mov byte [LDT_BASE + 12], 0x02
        mov byte [LDT_BASE + 13], ACC_DATA0
        mov word [LDT_BASE + 14], 0x0040
        mov ax, SEL_LDT
        lldt ax
        sldt ax
        CHECKW ax, SEL_LDT
        mov dword [0x21000 + 0x20], 0x1D71D7
        mov ax, LDT_SEL
        mov fs, ax
        CHECK [fs:0x20], 0x1D71D7
        xor ax, ax
        mov fs, ax
        mov es, ax

        STEP 3, "expand-down data segment: offsets above the limit are valid"
        mov ax, SEL_XDOWN
        mov es, ax
        mov dword [es:0x1000], 0xD0D0D0D0   ; limit + 1: lowest valid offset
        CHECK [0x1000], 0xD0D0D0D0
        mov dword [es:0x7FFC], 0xD1D1D1D1
        CHECK [0x7FFC], 0xD1D1D1D1
        mov ax, SEL_XDOWN16
        mov gs, ax
        mov eax, [gs:0xFFFC]                ; B=0: upper bound 0xFFFF
%ifdef QEMU_QUIRKS
        SKIP "TCG does not check (expand-down) segment limits"
%else
        FAULT 13, 0, {mov eax, [es:0x0FFF]} ; at the limit: invalid
        FAULT 13, 0, {mov eax, [es:0]}
        FAULT 13, 0, {mov eax, [es:0x0FFE]} ; straddles the limit
        FAULT 13, 0, {mov eax, [gs:0xFFFE]} ; beyond 0xFFFF with B=0
%endif
        lsl eax, [cs:sel_xdown]
        CHECK eax, 0x0FFF                   ; LSL reports the raw limit
        xor ax, ax
        mov es, ax
        mov gs, ax

        STEP 4, "LAR: access rights of code, data, TSS; ZF=0 for gates/null"
        mov eax, SEL_KCODE
        mov ebx, -1
        lar ebx, eax
        jnz .bad4
        and ebx, 0x00F0FF00                 ; bits 19:16 are undefined
        CHECK ebx, 0x00C09B00
        mov eax, SEL_KCODE16
        lar ebx, eax
        jnz .bad4
        and ebx, 0x00F0FF00
        CHECK ebx, 0x00009B00
        mov eax, SEL_TSS0
        lar ebx, eax
        jnz .bad4
        and ebx, 0x00F0FF00
        CHECK ebx, 0x00008B00               ; busy 32-bit TSS
        mov eax, SEL_LDT
        lar ebx, eax
        jnz .bad4
        mov eax, SEL_GATE                   ; call gate: valid for LAR
        lar ebx, eax
        jnz .bad4
        mov ebx, 0x1234
        xor eax, eax                        ; null selector: ZF=0, dest kept
        lar ebx, eax
        jz .bad4
        CHECK ebx, 0x1234
        mov eax, 0x1000                     ; beyond the GDT limit
        lar ebx, eax
        jz .bad4
        SET_DESC 0x88, 0, 0, 0x80, 0        ; type 0 (reserved): invalid
        mov eax, 0x88
        lar ebx, eax
        jz .bad4
        jmp .ok4
.bad4:  FAIL
.ok4:

        STEP 5, "LSL: byte and page granular limits, TSS limit, gates fail"
        mov eax, SEL_KCODE
        lsl ebx, eax
        jnz .bad5
        CHECK ebx, 0xFFFFFFFF               ; G=1: (limit << 12) | 0xFFF
        mov eax, SEL_KCODE16
        lsl ebx, eax
        jnz .bad5
        CHECK ebx, 0xFFFF
        mov eax, SEL_TSS0
        lsl ebx, eax
        jnz .bad5
        CHECK ebx, 0x67
        mov eax, SEL_GATE                   ; gates have no limit: ZF=0
        lsl ebx, eax
        jz .bad5
        jmp .ok5
.bad5:  FAIL
.ok5:

        STEP 6, "VERR/VERW at CPL0"
        mov ax, SEL_KCODE                   ; readable code
        call verrw
        CHECK eax, 0x10                     ; readable, not writable
        mov ax, SEL_KDATA
        call verrw
        CHECK eax, 0x11
        mov ax, SEL_RODATA
        call verrw
        CHECK eax, 0x10
        mov ax, SEL_XONLY
        call verrw
        CHECK eax, 0x00
        mov ax, SEL_TSS0                    ; system segment
        call verrw
        CHECK eax, 0x00
        xor ax, ax
        call verrw
        CHECK eax, 0x00

        STEP 7, "ARPL raises the RPL of the destination selector"
        mov ax, 0x0010                      ; RPL 0
        mov bx, 0x0033                      ; RPL 3
        arpl ax, bx
        jnz .bad7
        CHECKW ax, 0x0013
        mov ax, 0x0013
        mov bx, 0x0031                      ; RPL 1 < 3: unchanged, ZF=0
        arpl ax, bx
        jz .bad7
        CHECKW ax, 0x0013
        jmp .ok7
.bad7:  FAIL
.ok7:

        STEP 8, "ring 3: VERR of DPL0 data fails, conforming code readable"
        mov eax, u_verr
        call sys_run_ring3
        CHECK eax, 0x0
        CHECK ebx, 0x1
        CHECK ecx, 0x1                      ; conforming DPL0 readable code
        CHECK edx, SEL_TSS0                 ; STR is not privileged
        CHECK esi, 0x0                      ; LAR of DPL0 data at CPL3

        STEP 9, "far CALL from ring 3 to conforming DPL0 code keeps CPL 3"
        mov eax, u_conf
        call sys_run_ring3
        CHECK eax, 0xC0F
        CHECK [R3_CS], SEL_CONF | 3         ; CS.RPL = CPL, not the DPL
        CHECK ebx, SEL_UDATA                ; same stack: no switch
        mov eax, u_conf_bad
        call sys_run_ring3
        CHECK eax, 0x600D
        PASS

sel_xdown: dw SEL_XDOWN

; AX = selector -> EAX = (VERR ok ? 0x10 : 0) | (VERW ok ? 1 : 0)
verrw:
        push ebx
        xor ebx, ebx
        verr ax
        jnz .r
        or ebx, 0x10
.r:     verw ax
        jnz .w
        or ebx, 1
.w:     mov eax, ebx
        pop ebx
        ret

; Conforming code (DPL0) called directly from ring 3.
conf_code:
        mov eax, cs
        mov [R3_CS], eax
        mov ebx, ss
        mov eax, 0xC0F
        retf

u_verr:
        xor eax, eax
        xor ebx, ebx
        xor ecx, ecx
        mov dx, SEL_KDATA
        verr dx
        jnz .a
        inc eax
.a:     mov dx, SEL_UDATA
        verr dx
        jnz .b
        inc ebx
.b:     mov dx, SEL_CONF
        verr dx
        jnz .c
        inc ecx
.c:     xor edx, edx
        str dx
        mov esi, SEL_KDATA
        lar esi, esi
        jz .d
        xor esi, esi
.d:     int VEC_R3RET

u_conf:
        call SEL_CONF:conf_code
        int VEC_R3RET

u_conf_bad:
        ; A far CALL to a non-conforming DPL0 segment from CPL3: #GP(sel).
        FAULT 13, SEL_KCODE, {call SEL_KCODE:conf_code}
        ; Conforming DPL3 code is callable at CPL3 (DPL <= CPL).
        call SEL_CONF3:conf_ret
        mov eax, 0x600D
        int VEC_R3RET
conf_ret:
        retf

        ROM_END
