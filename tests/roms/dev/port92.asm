; port92.asm: System Control Port A (0x92) as a guest sees it: the A20 gate
; bit reads back what was written, and bit 0 resets the machine (the "fast
; reset" some kernels use), after which it reads 0 again. Whether A20 really
; masks memory is tests/roms/sys/a20.asm's business.
;
; Result through isa-debug-exit at 0xf4: 0 = PASS (exit status 1), n = the
; first failed check (exit status 2n+1); a line to port 0xe9 too.
; Needs the reset to restart the ROM: do not run it with -no-reboot.
;
; Validated on QEMU 7.2:
;   qemu-system-i386 -nodefaults -display none -bios port92.bin \
;       -device isa-debug-exit,iobase=0xf4

bits 16
cpu 386
org 0

%define MARK 0x0500             ; RAM survives the reset; this says we did one
%define MAGIC 0x5a

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
    mov ds, ax
    mov sp, 0x7000
    cmp byte [MARK], MAGIC
    je after_reset

    in al, 0x92
    and al, 0x01
    expect 0x00, 1              ; no reset in progress at power-on

    mov al, 0x02                ; A20 on
    out 0x92, al
    in al, 0x92
    and al, 0x03
    expect 0x02, 2
    mov al, 0x00                ; A20 off
    out 0x92, al
    in al, 0x92
    and al, 0x03
    expect 0x00, 3
    mov al, 0x02
    out 0x92, al
    in al, 0x92
    and al, 0x03
    expect 0x02, 4

    ; fast reset: a 0 -> 1 edge on bit 0
    mov byte [MARK], MAGIC
    mov al, 0x03
    out 0x92, al
    ; the reset is asynchronous on some machines: give it time
    mov ecx, 0x100000
.wait:
    dec ecx
    jnz .wait
    mov al, 5                   ; still running: no reset happened
    mov ah, 0
    jmp fail

after_reset:
    mov byte [MARK], 0
    in al, 0x92
    and al, 0x01
    expect 0x00, 6              ; the reset bit does not stay set

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
    add al, '0'
    out 0xe9, al
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

msg_pass: db "port92: PASS", 10, 0
msg_fail: db "port92: FAIL ", 0
msg_got:  db " (read 0x", 0
msg_end:  db ")", 10, 0

    times 0xfff0 - ($ - $$) db 0xff
reset:
    jmp 0xf000:start
    times 0x10000 - ($ - $$) db 0xff
