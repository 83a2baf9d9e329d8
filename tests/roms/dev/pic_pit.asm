; pic_pit.asm: the PC's interrupt and timer chips as a BIOS-less guest uses
; them. Programs both 8259As (vectors 0x08 and 0x70, cascade on IR2), runs
; the 8254's channel 0 in mode 2 at ~1 kHz into IRQ 0, halts waiting for
; interrupts and counts them against the RTC's seconds; checks a channel 2
; latch and a read-back status; then takes the RTC's 1024 Hz periodic
; interrupt (IRQ 8 through the slave) and counts it against IRQ 0.
;
; Needs a CPU with CPUID if it has a local APIC (see below).
;
; Result through isa-debug-exit at 0xf4: 0 = PASS (exit status 1), n = the
; first failed check (exit status 2n+1).
;
; Validated on QEMU 7.2:
;   qemu-system-i386 -nodefaults -display none -bios dev-pic_pit.bin \
;       -device isa-debug-exit,iobase=0xf4

bits 16
cpu 586
org 0

%define TICKS0 0x0500           ; IRQ 0 count (word)
%define TICKS8 0x0502           ; IRQ 8 count (word)
%define OTHER  0x0504           ; any other vector (word)

%macro fail_unless 2            ; condition code that means success, check number
    j%1 %%ok
    mov al, %2
    jmp fail
%%ok:
%endmacro

start:
    cli
    xor ax, ax
    mov ss, ax
    mov ds, ax
    mov es, ax
    mov sp, 0x7000
    mov word [TICKS0], 0
    mov word [TICKS8], 0
    mov word [OTHER], 0

    ; A CPU with a local APIC powers up with LINT0 masked, which keeps the
    ; 8259A's INTR from the core (QEMU 7.2 models this; a BIOS sets up the
    ; "virtual wire" mode). So if CPUID reports an APIC: enable it (SPIV)
    ; and make LINT0 ExtINT, through a flat FS in unreal mode.
    pushfd
    pop eax
    mov ebx, eax
    xor eax, 1 << 21            ; can EFLAGS.ID be toggled?
    push eax
    popfd
    pushfd
    pop eax
    push ebx
    popfd
    cmp eax, ebx
    je .no_apic
    mov eax, 1
    cpuid
    test edx, 1 << 9
    jz .no_apic
    o32 lgdt [cs:gdt_desc]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp short .pm
.pm:
    mov bx, 8
    mov fs, bx                  ; 4 GiB limit
    and al, 0xfe
    mov cr0, eax
    jmp short .rm
.rm:
    xor bx, bx
    mov fs, bx                  ; base 0, the limit stays
    mov edi, 0xfee000f0         ; spurious interrupt vector register
    mov dword [fs:edi], 0x1ff   ; APIC software-enabled, vector 0xff
    mov edi, 0xfee00350         ; LVT LINT0
    mov dword [fs:edi], 0x700   ; ExtINT, unmasked
.no_apic:

    ; IVT: every IRQ vector to a handler that EOIs; 0x08 and 0x70 count.
    mov di, 0x08 * 4
    mov cx, 8
.ivt1:
    mov word [di], irq_other
    mov word [di + 2], 0xf000
    add di, 4
    loop .ivt1
    mov di, 0x70 * 4
    mov cx, 8
.ivt2:
    mov word [di], irq_other
    mov word [di + 2], 0xf000
    add di, 4
    loop .ivt2
    mov word [0x08 * 4], irq0
    mov word [0x70 * 4], irq8

    ; the two PICs: ICW1 edge+ICW4, ICW2 base, ICW3 cascade, ICW4 8086 mode
    mov al, 0x11
    out 0x20, al
    out 0xa0, al
    mov al, 0x08
    out 0x21, al
    mov al, 0x70
    out 0xa1, al
    mov al, 0x04
    out 0x21, al
    mov al, 0x02
    out 0xa1, al
    mov al, 0x01
    out 0x21, al
    out 0xa1, al
    mov al, 0xfe                ; IRQ 0 only
    out 0x21, al
    mov al, 0xff
    out 0xa1, al
    in al, 0x21
    cmp al, 0xfe
    fail_unless e, 1            ; OCW1 reads back
    mov al, 0x0b                ; OCW3: read ISR
    out 0x20, al
    in al, 0x20
    cmp al, 0
    fail_unless e, 2            ; nothing in service yet

    ; RTC: no periodic/alarm/update interrupts yet, flags cleared
    mov al, 0x0b
    out 0x70, al
    mov al, 0x02
    out 0x71, al
    mov al, 0x0c
    out 0x70, al
    in al, 0x71

    ; PIT channel 0: mode 2, LSB/MSB, 1193 = ~1000.15 Hz
    mov al, 0x34
    out 0x43, al
    mov al, 1193 & 0xff
    out 0x40, al
    mov al, 1193 >> 8
    out 0x40, al

    ; read-back status of channel 0: LSB/MSB, mode 2, binary
    mov al, 0xe2
    out 0x43, al
    in al, 0x40
    and al, 0x3f
    cmp al, 0x34
    fail_unless e, 3

    ; channel 2, mode 0, count 0xffff, gate on through port 0x61 (speaker off):
    ; two latched reads a little apart must show it counting down
    in al, 0x61
    and al, 0xfc
    or al, 0x01
    out 0x61, al
    mov al, 0xb0
    out 0x43, al
    mov al, 0xff
    out 0x42, al
    out 0x42, al
    call latch2
    mov bx, ax
    mov cx, 2000
.spin:
    in al, 0x80
    loop .spin
    call latch2
    cmp ax, bx
    fail_unless b, 4            ; it went down
    mov dx, bx
    sub dx, ax
    cmp dx, 0x8000
    fail_unless b, 5            ; and by a sane amount

    ; IRQ 0 ticks across one RTC second: wait for the seconds to change,
    ; then count until they change again
    sti
    call rtc_seconds
    mov bl, al
.wait1:
    hlt
    cmp word [TICKS0], 3000
    fail_unless b, 6            ; the RTC's seconds never moved
    call rtc_seconds
    cmp al, bl
    je .wait1
    mov bl, al
    mov word [TICKS0], 0
.wait2:
    hlt
    cmp word [TICKS0], 3000
    fail_unless b, 7
    call rtc_seconds
    cmp al, bl
    je .wait2
    mov ax, [TICKS0]
    cmp ax, 900
    fail_unless ae, 8           ; ~1000 IRQ 0 a second
    cmp ax, 1100
    fail_unless be, 9
    cmp word [OTHER], 0
    fail_unless e, 10           ; no other vector, spurious included

    ; IRQ 8: the RTC's periodic interrupt at 1024 Hz through the slave
    cli
    mov al, 0x0a
    out 0x70, al
    mov al, 0x26                ; 32.768 kHz time base, rate 6 = 1024 Hz
    out 0x71, al
    mov al, 0x0b
    out 0x70, al
    mov al, 0x42                ; PIE, 24 hours, BCD
    out 0x71, al
    mov al, 0x0c
    out 0x70, al
    in al, 0x71
    mov al, 0xfe                ; slave: IRQ 8 only
    out 0xa1, al
    mov al, 0xfa                ; master: IRQ 0 and the cascade
    out 0x21, al
    mov word [TICKS8], 0
    mov word [TICKS0], 0
    sti
.wait3:
    hlt
    cmp word [TICKS0], 500      ; half a second by IRQ 0
    jb .wait3
    cli
    mov ax, [TICKS8]
    cmp ax, 400
    fail_unless ae, 11          ; ~512 IRQ 8 in that half second
    cmp ax, 640
    fail_unless be, 12
    cmp word [OTHER], 0
    fail_unless e, 13

    ; quiet everything down
    mov al, 0x0b
    out 0x70, al
    mov al, 0x02
    out 0x71, al
    mov al, 0xff
    out 0x21, al
    out 0xa1, al
    xor al, al                  ; PASS

fail:
    out 0xf4, al
    cli
.halt:
    hlt
    jmp .halt

; AX = channel 2's latched count
latch2:
    mov al, 0x80
    out 0x43, al
    in al, 0x42
    mov ah, al
    in al, 0x42
    xchg al, ah
    ret

; AL = RTC seconds, read outside an update cycle
rtc_seconds:
    mov al, 0x0a
    out 0x70, al
    in al, 0x71
    test al, 0x80
    jnz rtc_seconds
    xor al, al
    out 0x70, al
    in al, 0x71
    ret

irq0:
    push ax
    push ds
    xor ax, ax
    mov ds, ax
    inc word [TICKS0]
    mov al, 0x20
    out 0x20, al
    pop ds
    pop ax
    iret

irq8:
    push ax
    push ds
    xor ax, ax
    mov ds, ax
    inc word [TICKS8]
    mov al, 0x0c                ; reading register C acknowledges the RTC
    out 0x70, al
    in al, 0x71
    mov al, 0x20
    out 0xa0, al
    out 0x20, al
    pop ds
    pop ax
    iret

irq_other:
    push ax
    push ds
    xor ax, ax
    mov ds, ax
    inc word [OTHER]
    mov al, 0x20
    out 0xa0, al
    out 0x20, al
    pop ds
    pop ax
    iret


align 8
gdt:
    dq 0
    dq 0x00cf92000000ffff       ; flat 4 GiB data
gdt_desc:
    dw gdt_desc - gdt - 1
    dd 0xf0000 + gdt

    times 0xfff0 - ($ - $$) db 0xff
reset:
    jmp 0xf000:start
    times 0x10000 - ($ - $$) db 0xff
