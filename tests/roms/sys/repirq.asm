; repirq.asm -- long REP string instructions are interrupted between
; iterations. With the 8254's channel 0 giving IRQ 0 every millisecond
; through the 8259A, `repe cmpsb`, `rep stosd` and `rep movsd` (forward,
; and backward) start with ECX = 0xFFFFFFFF; the IRQ 0 handler must run
; while the REP is in progress, within 10 ms of virtual time (channel 2 of
; the 8254, started with the REP as a 10 ms one-shot, has not yet reached
; its terminal count: port 0x61 bit 5), with EIP on the REP and ECX, ESI,
; EDI consistent: each index moved by exactly (0xFFFFFFFF - ECX) * size.
; The handler then zeroes ECX so the REP ends when it resumes, and the
; memory it touched is checked against the REP's definition (the forward
; and backward copies overlap by one element, so they replicate one dword).
;
; Paging gives the REPs room: 4 MiB pages map every linear address from
; 4 MiB to 4 GiB - 4 MiB onto physical 4..8 MiB, so a REP may run for a
; billion iterations before it reaches the ROM or wraps onto low memory.
;
; A virtual-time bound measured against the host's clock can be missed
; when the host does not run the emulator for 10 ms; each case is tried up
; to 5 times and passes when one try is served in time. A REP that is not
; interruptible fails every try (the handler never sees it in progress).
;
; Validated on QEMU 7.2 with -DQEMU_QUIRKS (run-qemu.sh repirq).

%define TEST_NAME "repirq"
%include "sys.inc"

V_TICKS         equ SCRATCH + 0x00  ; IRQ 0 count
V_STOP          equ SCRATCH + 0x04  ; 1 once the handler stopped the REP
V_ECX           equ SCRATCH + 0x08  ; what the handler saw
V_ESI           equ SCRATCH + 0x0C
V_EDI           equ SCRATCH + 0x10
V_EIP           equ SCRATCH + 0x14  ;   saved EIP
V_EFL           equ SCRATCH + 0x18  ;   saved EFLAGS
V_OUT2          equ SCRATCH + 0x1C  ;   port 0x61 bit 5: 10 ms passed
V_LATCH         equ SCRATCH + 0x20  ;   channel 2's count
V_REPEIP        equ SCRATCH + 0x24  ; the REP under test
V_TRIES         equ SCRATCH + 0x28
V_SIZE          equ SCRATCH + 0x2C  ; element size of the case
V_SI0           equ SCRATCH + 0x30  ; ESI and EDI at the start
V_DI0           equ SCRATCH + 0x34
V_SIDIR         equ SCRATCH + 0x38  ; +1, -1 or 0: how ESI moves
V_DIDIR         equ SCRATCH + 0x3C
V_N             equ SCRATCH + 0x40  ; iterations done when interrupted
PDIR            equ 0x8000          ; page directory (SCRATCH area)

ALIAS_PDE       equ 0x00400083      ; 4 MiB page at 4 MiB, writable, present
FILL            equ 0x5A5A5A5A
PIT_10MS        equ 11932           ; 1.193182 MHz * 10 ms

main32:
        STEP 1, "IRQ 0 every 1 ms through the 8259A, paging with 4 MiB aliases"
        call setup_apic
        call setup_pic_pit
        SET_IDT 0x20, irq0, SEL_KCODE, GATE_INT32
        SET_IDT 0x27, irq_spurious, SEL_KCODE, GATE_INT32
        mov edi, PDIR
        mov dword [edi], 0x00000083         ; low 4 MiB: identity (code, tables, stacks)
        mov ecx, 1022
        mov eax, ALIAS_PDE
        add edi, 4
        rep stosd
        mov dword [edi], 0xFFC00083         ; top 4 MiB: identity (the ROM)
        mov eax, cr4
        or eax, 0x10                        ; PSE
        mov cr4, eax
        mov eax, PDIR
        mov cr3, eax
        mov eax, cr0
        or eax, 0x80000000
        mov cr0, eax
        jmp .paged
.paged:
        mov edi, 0x00400000                 ; physical 4..8 MiB: one value throughout
        mov ecx, 0x100000
        mov eax, FILL
        rep stosd
        mov dword [V_TICKS], 0
        sti
        mov eax, [V_TICKS]
.first: hlt                                 ; IRQ 0 arrives at all
        cmp eax, [V_TICKS]
        je .first
        cli

        ; equal bytes all the way (both views of the same 4 MiB), so only
        ; the interrupt ends it; the TLB sets of the two pages differ
        STEP 2, "repe cmpsb with ECX = 0xFFFFFFFF is interrupted"
        mov dword [V_TRIES], 5
.cmps_try:
        mov dword [V_REPEIP], .cmps
        mov dword [V_SIZE], 1
        mov dword [V_SI0], 0x00400000
        mov dword [V_DI0], 0x00C53000
        mov dword [V_SIDIR], 1
        mov dword [V_DIDIR], 1
        call sync_tick
        mov esi, [V_SI0]
        mov edi, [V_DI0]
        mov ecx, 0xFFFFFFFF
.cmps:  repe cmpsb
        cli
        jz .cmps_zf
        PRINT {"    ZF = 0 after the compare", 10}
        FAIL
.cmps_zf:
        call check_stop
        jnc .cmps_ok
        dec dword [V_TRIES]
        jnz .cmps_try
        FAIL
.cmps_ok:

        STEP 3, "rep stosd with ECX = 0xFFFFFFFF is interrupted"
        mov dword [V_TRIES], 5
.stos_try:
        mov dword [V_REPEIP], .stos
        mov dword [V_SIZE], 4
        mov dword [V_SI0], 0x1234
        mov dword [V_DI0], 0x00400010
        mov dword [V_SIDIR], 0
        mov dword [V_DIDIR], 1
        call sync_tick
        mov esi, [V_SI0]
        mov edi, [V_DI0]
        mov ecx, 0xFFFFFFFF
        mov eax, 0x12345678
.stos:  rep stosd
        cli
        call check_stop
        jnc .stos_ok
        dec dword [V_TRIES]
        jnz .stos_try
        FAIL
.stos_ok:
        mov ecx, [V_N]                      ; the last dword stored, and not one more
        lea ebx, [ecx*4 + 0x00400010 - 4]
        CHECK [ebx], 0x12345678
        cmp ecx, 0xFFF00
        jae .stos_done                      ; (it went round the 4 MiB)
        CHECK [ebx + 4], FILL
.stos_done:

        STEP 4, "rep movsd forward, dst = src + 4, ECX = 0xFFFFFFFF"
        mov dword [V_TRIES], 5
.movf_try:
        call fill_index
        mov dword [V_REPEIP], .movf
        mov dword [V_SIZE], 4
        mov dword [V_SI0], 0x00401000
        mov dword [V_DI0], 0x00401004
        mov dword [V_SIDIR], 1
        mov dword [V_DIDIR], 1
        call sync_tick
        mov esi, [V_SI0]
        mov edi, [V_DI0]
        mov ecx, 0xFFFFFFFF
.movf:  rep movsd
        cli
        call check_stop
        jnc .movf_ok
        dec dword [V_TRIES]
        jnz .movf_try
        FAIL
.movf_ok:
        mov ebx, 0x00401000                 ; the first dword, replicated n times
        mov edx, 4
        call check_replicated

        STEP 5, "rep movsd backward, dst = src - 4, ECX = 0xFFFFFFFF"
        mov dword [V_TRIES], 5
.movb_try:
        call fill_index
        mov dword [V_REPEIP], .movb
        mov dword [V_SIZE], 4
        mov dword [V_SI0], 0x7F3FF000       ; physical 0x7FF000
        mov dword [V_DI0], 0x7F3FEFFC
        mov dword [V_SIDIR], -1
        mov dword [V_DIDIR], -1
        call sync_tick
        mov esi, [V_SI0]
        mov edi, [V_DI0]
        mov ecx, 0xFFFFFFFF
        std
.movb:  rep movsd
        cli
        cld
        call check_stop
        jnc .movb_ok
        dec dword [V_TRIES]
        jnz .movb_try
        FAIL
.movb_ok:
        mov ebx, 0x7F3FF000
        mov edx, -4
        call check_replicated

        mov al, 0xFF                        ; quiet the PIC
        out 0x21, al
        PASS

; ---------------------------------------------------------------- helpers

; A CPU with a local APIC comes out of reset with LINT0 masked, which hides
; the 8259A (QEMU models this); a BIOS sets the "virtual wire" mode: APIC
; enabled (spurious vector register) and LINT0 as ExtINT. Before paging.
setup_apic:
        pushad
        mov eax, 1
        cpuid
        test edx, 1 << 9
        jz .none
        mov dword [0xFEE000F0], 0x1FF
        mov dword [0xFEE00350], 0x700
.none:  popad
        ret

; 8259A pair at vectors 0x20/0x28 with only IRQ 0 unmasked; 8254 channel 0
; in mode 2 with 1193 counts: 1000.15 Hz.
setup_pic_pit:
        mov al, 0x11
        out 0x20, al
        out 0xA0, al
        mov al, 0x20
        out 0x21, al
        mov al, 0x28
        out 0xA1, al
        mov al, 0x04
        out 0x21, al
        mov al, 0x02
        out 0xA1, al
        mov al, 0x01
        out 0x21, al
        out 0xA1, al
        mov al, 0xFE
        out 0x21, al
        mov al, 0xFF
        out 0xA1, al
        mov al, 0x34
        out 0x43, al
        mov al, 1193 & 0xFF
        out 0x40, al
        mov al, 1193 >> 8
        out 0x40, al
        ret

; Waits for an IRQ 0 (so the next is ~1 ms away), then starts channel 2
; as a 10 ms one-shot (mode 0: OUT2 goes high at the terminal count) and
; returns with interrupts enabled.
sync_tick:
        mov dword [V_STOP], 0
        mov eax, [V_TICKS]
        sti
.wait:  hlt
        cmp eax, [V_TICKS]
        je .wait
        in al, 0x61
        and al, 0xFC                        ; speaker off
        or al, 0x01                         ; gate 2 on
        out 0x61, al
        mov al, 0xB0                        ; channel 2, LSB/MSB, mode 0
        out 0x43, al
        mov al, PIT_10MS & 0xFF
        out 0x42, al
        mov al, PIT_10MS >> 8
        out 0x42, al
        ret

; After the REP: it was stopped by the handler, on the REP, with consistent
; registers, and the REP did nothing more once ECX was 0. Returns CF = 1
; when the handler came too late (more than 10 ms: worth another try).
check_stop:
        CHECK [V_STOP], 1
        CHECK [V_EIP], [V_REPEIP]
        CHECK ecx, 0
        CHECK esi, [V_ESI]
        CHECK edi, [V_EDI]
        mov eax, 0xFFFFFFFF
        sub eax, [V_ECX]
        mov [V_N], eax
        PRINT "    interrupted after "
        call putdec32
        PRINT " iterations, "
        mov eax, PIT_10MS
        sub eax, [V_LATCH]
        imul eax, eax, 838                  ; 8254 counts -> ns
        xor edx, edx
        mov ebx, 1000
        div ebx
        call putdec32
        PRINT {" us after the REP started", 10}
        mov eax, [V_N]
        imul eax, [V_SIZE]                  ; bytes moved, mod 2^32
        mov ebx, eax
        imul ebx, [V_SIDIR]
        add ebx, [V_SI0]
        CHECK [V_ESI], ebx
        mov ebx, eax
        imul ebx, [V_DIDIR]
        add ebx, [V_DI0]
        CHECK [V_EDI], ebx
%ifdef QEMU_QUIRKS
        SKIP "no RF in the frame of an interrupt between REP iterations"
%else
        mov eax, [V_EFL]                    ; SDM vol. 3 17.3.1.1: RF = 1
        and eax, 0x10000
        CHECK eax, 0x10000
%endif
        cmp dword [V_OUT2], 0
        je .in_time
        PRINT {"    more than 10 ms: host too slow? trying again", 10}
        stc
        ret
.in_time:
        clc
        ret

; Physical 4..8 MiB (linear 4 MiB on) holds its dword index.
fill_index:
        mov edi, 0x00400000
        xor eax, eax
.l:     mov [edi], eax
        add edi, 4
        inc eax
        cmp eax, 0x100000
        jb .l
        ret

; The dword at EBX was copied over the next [V_N] dwords in steps of EDX
; (+4/-4); the one after them is untouched. Checks at most 0xFF000 of them
; (past that the copy has gone round the 4 MiB and overwritten its start).
check_replicated:
        mov ecx, [V_N]
        mov edi, [ebx]
        mov esi, ebx
        cmp ecx, 0xFF000
        jae .capped
.l:     add esi, edx
        CHECK [esi], edi
        dec ecx
        jnz .l
        add esi, edx
        cmp [esi], edi
        jne .done
        PRINT {"    copied one dword too many", 10}
        FAIL
.capped:
        mov ecx, 0xFF000
.lc:    add esi, edx
        CHECK [esi], edi
        dec ecx
        jnz .lc
.done:  ret

; IRQ 0: counts; the first time it finds the REP under test in progress
; (EIP on it, at least one iteration done) it records the registers, the
; frame and the time, and zeroes ECX so the REP ends when it resumes.
irq0:
        push eax
        push edx
        mov eax, [esp + 8]                  ; saved EIP
        cmp eax, [V_REPEIP]
        jne .count
        cmp ecx, 0xFFFFFFFF
        je .count
        cmp dword [V_STOP], 0
        jne .count
        mov [V_EIP], eax
        mov [V_ECX], ecx
        mov [V_ESI], esi
        mov [V_EDI], edi
        mov eax, [esp + 16]
        mov [V_EFL], eax
        in al, 0x61
        and eax, 0x20
        mov [V_OUT2], eax
        mov al, 0x80                        ; latch channel 2
        out 0x43, al
        in al, 0x42
        mov dl, al
        in al, 0x42
        mov dh, al
        movzx edx, dx
        mov [V_LATCH], edx
        mov dword [V_STOP], 1
        xor ecx, ecx
.count: inc dword [V_TICKS]
        mov al, 0x20
        out 0x20, al
        pop edx
        pop eax
        iretd

irq_spurious:
        iretd

        ROM_END
