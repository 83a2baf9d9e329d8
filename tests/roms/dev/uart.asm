; uart.asm: drives the 16550A at COM1 (0x3f8) as a guest driver would and
; checks what a real 16550A answers. Runs in real mode straight from reset.
;
; Result through isa-debug-exit at 0xf4: 0 = PASS (exit status 1), n = the
; number of the first failed check (exit status 2n+1). A line saying the
; same goes to port 0xe9 (debugcon) for humans.
;
; Validated on QEMU 7.2:
;   qemu-system-i386 -nodefaults -display none -bios uart.bin \
;       -device isa-debug-exit,iobase=0xf4 -serial null
; (-serial null matters: without a serial device there is no UART to test.)
; Bochs 2.7 passes it too, except checks 27, 30 and 51: Bochs keeps LSR.DR
; set after an FCR receive-FIFO reset, where QEMU and the datasheet ("clears
; all bytes in the RCVR FIFO") leave no data ready.

bits 16
cpu 386
org 0

%define COM     0x3f8
%define RBR     0               ; receive buffer (read, DLAB=0)
%define THR     0               ; transmit holding (write, DLAB=0)
%define DLL     0               ; divisor low (DLAB=1)
%define IER     1
%define DLM     1               ; divisor high (DLAB=1)
%define IIR     2               ; read
%define FCR     2               ; write
%define LCR     3
%define MCR     4
%define LSR     5
%define MSR     6
%define SCR     7

%define LOOP    0x10            ; MCR loopback

; out COM+reg, value
%macro wr 2
    mov dx, COM + %1
    mov al, %2
    out dx, al
%endmacro

; al = in COM+reg
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

; fail with check number %3 unless (al & %1) == %2
%macro expect_bits 3
    and al, %1
    expect %2, %3
%endmacro

start:
    cli
    xor ax, ax
    mov ss, ax
    mov sp, 0x7000
    mov ds, ax

; ---- 1..9: plain registers --------------------------------------------
    wr SCR, 0x55
    rd SCR
    expect 0x55, 1
    wr SCR, 0xaa
    rd SCR
    expect 0xaa, 2

    ; divisor latch behind DLAB: it must not disturb IER or RBR/THR
    wr IER, 0
    wr LCR, 0x83                ; DLAB, 8N1
    wr DLL, 0x34
    wr DLM, 0x12
    rd DLL
    expect 0x34, 3
    rd DLM
    expect 0x12, 4
    rd LCR
    expect 0x83, 5
    wr LCR, 0x03
    rd IER
    expect 0x00, 6              ; IER, not DLM
    wr LCR, 0x83
    wr DLL, 0x01                ; 115200 baud
    wr DLM, 0x00
    wr LCR, 0x03
    rd LCR
    expect 0x03, 7

    wr IER, 0xff                ; only the low four bits exist on a 16550A
    rd IER
    expect 0x0f, 8
    wr IER, 0
    wr MCR, 0xff                ; only the low five bits exist
    rd MCR
    expect 0x1f, 9

; ---- 10..19: loopback without FIFO ---------------------------------------
    wr MCR, LOOP
    wr FCR, 0x00
    rd IIR
    expect 0x01, 10             ; no interrupt pending, FIFO bits clear
    ; drain anything that arrived before loopback
    mov cx, 32
.drain:
    rd RBR
    loop .drain
    rd LSR
    expect 0x60, 11             ; THRE | TEMT, no data, no errors

    wr THR, 'A'
    rd LSR
    expect_bits 0x61, 0x61, 12  ; looped back: DR, and the transmitter is empty again
    rd RBR
    expect 'A', 13
    rd LSR
    expect_bits 0x01, 0x00, 14  ; DR gone after the read

    ; a second byte before the first is read overruns the holding register
    wr THR, 'B'
    wr THR, 'C'
    rd LSR
    expect_bits 0x03, 0x03, 15  ; DR | OE
    rd LSR
    expect_bits 0x02, 0x00, 16  ; OE clears on read
    rd RBR
    expect 'C', 17              ; the newer byte replaced the older one

; ---- 20..39: FIFO --------------------------------------------------------
    wr FCR, 0x07                ; enable, clear both
    rd IIR
    expect_bits 0xc0, 0xc0, 20  ; FIFOs enabled
    rd LSR
    expect_bits 0x01, 0x00, 21

    ; sixteen bytes fit and come back in order
    mov bl, 0x30
.fill16:
    wr THR, bl
    inc bl
    cmp bl, 0x40
    jne .fill16
    rd LSR
    expect_bits 0x03, 0x01, 22  ; data, no overrun yet
    mov bl, 0x30
.read16:
    rd RBR
    cmp al, bl
    je .ok16
    mov al, 23
    jmp fail
.ok16:
    inc bl
    cmp bl, 0x40
    jne .read16
    rd LSR
    expect_bits 0x01, 0x00, 24  ; empty

    ; the seventeenth byte is lost and flags an overrun; the FIFO keeps its bytes
    mov bl, 0x40
.fill17:
    wr THR, bl
    inc bl
    cmp bl, 0x51
    jne .fill17
    rd LSR
    expect_bits 0x03, 0x03, 25
    rd RBR
    expect 0x40, 26             ; oldest byte first
    wr FCR, 0x03                ; clear the receive FIFO only
    rd LSR
    expect_bits 0x01, 0x00, 27
    rd IIR
    expect_bits 0xc0, 0xc0, 28  ; still enabled

    ; turning the FIFO off and on again flushes it
    wr THR, 0x11
    wr FCR, 0x00
    rd IIR
    expect_bits 0xc0, 0x00, 29
    wr FCR, 0x01
    rd LSR
    expect_bits 0x01, 0x00, 30

; ---- 40..59: interrupt identification -----------------------------------
    wr FCR, 0x07                ; trigger level 1
    rd LSR                      ; clear any error
    wr IER, 0x02                ; THR empty
    rd IIR
    expect 0xc2, 40             ; THRE pending because THR is empty
    rd IIR
    expect 0xc1, 41             ; reading IIR that reported THRE clears it
    wr THR, 'x'                 ; rx data arrives via loopback; THR empties again
    rd IIR
    expect 0xc2, 42             ; receive interrupt not enabled: THRE shows
    wr IER, 0x03
    rd IIR
    expect 0xc4, 43             ; received data outranks THR empty
    rd IIR
    expect 0xc4, 44             ; and is not cleared by reading IIR
    rd RBR
    expect 'x', 45
    rd IIR
    expect 0xc1, 46             ; THRE was acknowledged by the read in 42
    wr IER, 0x01
    wr IER, 0x03                ; enabling ETBEI while THR is empty re-arms THRE
    rd IIR
    expect 0xc2, 47
    rd IIR
    expect 0xc1, 58

    ; line status outranks everything
    wr IER, 0x07
    mov bl, 0
.ovr:
    wr THR, bl
    inc bl
    cmp bl, 17
    jne .ovr
    rd IIR
    expect 0xc6, 48             ; overrun
    rd LSR
    expect_bits 0x02, 0x02, 49
    rd IIR
    expect 0xc4, 50             ; the LSR read removed it; data remains
    wr FCR, 0x07
    rd IIR
    expect_bits 0x0f, 0x02, 51  ; data gone: only the THRE left by the writes
    rd IIR
    expect 0xc1, 52

    ; trigger level 4: three bytes are not enough for "data available"
    wr IER, 0
    wr FCR, 0x47
    wr THR, 1
    wr THR, 2
    wr THR, 3
    wr IER, 0x01
    rd IIR
    expect_bits 0x0f, 0x01, 53  ; below trigger, and too early for a timeout
    wr THR, 4
    rd IIR
    expect 0xc4, 54

    ; character timeout: a byte below the trigger level left alone for four
    ; character times is signalled as 0xcc
    wr FCR, 0x47
    wr THR, 5
    mov ecx, 0x400000
.wait_cti:
    rd IIR
    cmp al, 0xcc
    je .got_cti
    dec ecx
    jnz .wait_cti
    mov al, 55
    jmp fail
.got_cti:
    rd RBR
    expect 5, 56
    rd IIR
    expect 0xc1, 57             ; reading the data ends the timeout
    wr IER, 0

; ---- 60..69: modem control looped to modem status -----------------------
    wr FCR, 0x07
    wr MCR, LOOP
    rd MSR                      ; clear deltas
    expect_bits 0xf0, 0x00, 60
    wr MCR, LOOP | 0x01         ; DTR -> DSR
    rd MSR
    expect_bits 0xf0, 0x20, 61
    wr MCR, LOOP | 0x02         ; RTS -> CTS
    rd MSR
    expect_bits 0xf0, 0x10, 62
    wr MCR, LOOP | 0x04         ; OUT1 -> RI
    rd MSR
    expect_bits 0xf0, 0x40, 63
    wr MCR, LOOP | 0x08         ; OUT2 -> DCD
    rd MSR
    expect_bits 0xf0, 0x80, 64
    wr MCR, LOOP | 0x0f
    rd MSR
    expect_bits 0xf0, 0xf0, 65

    wr MCR, 0
    wr FCR, 0
    wr IER, 0

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
    mov al, ')'
    out 0xe9, al
    mov al, 10
    out 0xe9, al
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

; print al (0..255) in decimal to port 0xe9
putdec:
    xor ah, ah
    mov cl, 100
    div cl                      ; al = hundreds, ah = rest
    mov ch, ah
    add al, '0'
    out 0xe9, al
    mov al, ch
    xor ah, ah
    mov cl, 10
    div cl
    add al, '0'
    out 0xe9, al
    mov al, ah
    add al, '0'
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

msg_pass: db "uart: PASS", 10, 0
msg_fail: db "uart: FAIL ", 0
msg_got:  db " (read 0x", 0

    times 0xfff0 - ($ - $$) db 0xff
reset:
    jmp 0xf000:start
    times 0x10000 - ($ - $$) db 0xff
