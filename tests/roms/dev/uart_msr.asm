; uart_msr.asm: the 16550A's modem status register in loopback, delta bits
; and the modem status interrupt included. In loopback the modem control
; outputs drive the modem status inputs (RTS->CTS, DTR->DSR, OUT1->RI,
; OUT2->DCD), and the NS PC16550D datasheet says the modem status interrupt
; stays operational, its sources now being those MCR bits: so the delta
; bits must latch changes, TERI only on RI's falling edge.
;
; Result through isa-debug-exit at 0xf4: 0 = PASS (exit status 1), n = the
; first failed check (exit status 2n+1); a line to port 0xe9 too.
;
; Validated on Bochs 2.7 (port_e9_hack on, com1 enabled). QEMU 7.2 does not
; model deltas in loopback (its MSR read there returns the looped lines
; only) and stops at check 3; tests/roms/dev/uart.asm covers what QEMU and
; the 16550A agree on.

bits 16
cpu 386
org 0

%define COM     0x3f8
%define IER     1
%define IIR     2
%define FCR     2
%define MCR     4
%define MSR     6

%define LOOP    0x10
%define DTR     0x01
%define RTS     0x02
%define OUT1    0x04
%define OUT2    0x08

%macro wr 2
    mov dx, COM + %1
    mov al, %2
    out dx, al
%endmacro

%macro rd 1
    mov dx, COM + %1
    in al, dx
%endmacro

; fail with check number %2 unless al == %1
%macro expect 2
    cmp al, %1
    je %%ok
    mov ah, al
    mov al, %2
    jmp fail
%%ok:
%endmacro

start:
    cli
    xor ax, ax
    mov ss, ax
    mov sp, 0x7000

    wr IER, 0
    wr FCR, 0
    wr MCR, LOOP
    rd MSR                      ; the switch to looped lines may leave deltas
    and al, 0xf0
    expect 0x00, 1              ; all four outputs are off
    rd MSR
    expect 0x00, 2              ; reading cleared the deltas

    wr MCR, LOOP | DTR
    rd MSR
    expect 0x22, 3              ; DSR, DDSR
    rd MSR
    expect 0x20, 4

    wr MCR, LOOP | RTS
    rd MSR
    expect 0x13, 5              ; CTS, DCTS, and DDSR for DSR dropping

    wr MCR, LOOP | OUT1
    rd MSR
    expect 0x41, 6              ; RI rising is no TERI; CTS dropped: DCTS

    wr MCR, LOOP
    rd MSR
    expect 0x04, 7              ; RI falling: TERI

    wr MCR, LOOP | OUT2
    rd MSR
    expect 0x88, 8              ; DCD, DDCD

    ; the modem status interrupt is the lowest priority source
    wr IER, 0x08
    rd IIR
    expect 0x01, 9              ; no delta pending yet
    wr MCR, LOOP | OUT2 | DTR
    rd IIR
    expect 0x00, 10             ; modem status interrupt
    rd MSR
    expect 0xa2, 11             ; DCD, DSR, DDSR
    rd IIR
    expect 0x01, 12             ; the MSR read acknowledged it

    wr IER, 0
    wr MCR, 0

pass:
    mov si, msg_pass
    call puts
    mov al, 0
    out 0xf4, al
    hlt
    jmp pass

fail:
    mov bl, al
    mov bh, ah
    mov si, msg_fail
    call puts
    mov al, bl
    call putdec
    mov si, msg_got
    call puts
    mov al, bh
    call puthex
    mov si, msg_end
    call puts
    mov al, bl
    out 0xf4, al
    hlt
    jmp fail

; print the NUL-terminated string at cs:si to port 0xe9
puts:
    cs lodsb
    test al, al
    jz .done
    out 0xe9, al
    jmp puts
.done:
    ret

; print al (0..99) in decimal to port 0xe9
putdec:
    xor ah, ah
    mov cl, 10
    div cl
    add ax, '00'
    out 0xe9, al
    mov al, ah
    out 0xe9, al
    ret

; print al as two hex digits to port 0xe9
puthex:
    push ax
    shr al, 4
    call .digit
    pop ax
    and al, 0x0f
.digit:
    add al, '0'
    cmp al, '9'
    jbe .out
    add al, 'a' - '9' - 1
.out:
    out 0xe9, al
    ret

msg_pass: db "uart_msr: PASS", 10, 0
msg_fail: db "uart_msr: FAIL ", 0
msg_got:  db " (read 0x", 0
msg_end:  db ")", 10, 0

    times 0xfff0 - ($ - $$) db 0xff
reset:
    jmp 0xf000:start
    times 0x10000 - ($ - $$) db 0xff
