; demo.asm: relic's built-in demo guest, a 64 KiB ROM that runs from the
; reset vector (F000:FFF0) with no BIOS underneath.
;
; It sets COM1 to 115200 8N1, prints a banner, the CPU's CPUID vendor and
; signature and the primes below 100, then asks to power off through
; isa-debug-exit: value 0 at port 0xf4 (relic and QEMU then exit with status
; (0 << 1) | 1 = 1, the debug-exit convention), else at 0x501, the device's
; default port. With no exit device at all it says so and halts with
; interrupts off, which relic reports and ends with status 2.
;
;   relic -device isa-debug-exit,iobase=0xf4
;   qemu-system-i386 -nodefaults -display none -bios demo.bin -serial stdio \
;       -device isa-debug-exit,iobase=0xf4

bits 16
cpu 686
org 0

%define COM1 0x3f8

start:
    cli
    cld
    xor ax, ax
    mov ss, ax
    mov sp, 0x7c00
    mov ax, cs
    mov ds, ax                  ; strings live in the ROM

    call serial_init
    mov si, msg_banner
    call puts
    call show_cpu
    call show_primes

    mov si, msg_bye
    call puts
    xor al, al
    out 0xf4, al                ; exit status 1 where the device sits at 0xf4
    mov dx, 0x501
    out dx, al                  ; ... or at its default port
    mov si, msg_no_exit
    call puts
.halt:
    hlt
    jmp .halt

; ---- COM1 ----------------------------------------------------------------

serial_init:
    mov dx, COM1 + 1
    xor al, al
    out dx, al                  ; IER: no interrupts, we poll
    mov dx, COM1 + 3
    mov al, 0x80
    out dx, al                  ; LCR: DLAB to reach the divisor
    mov dx, COM1 + 0
    mov al, 1
    out dx, al                  ; divisor 1 = 115200 baud
    inc dx
    xor al, al
    out dx, al
    mov dx, COM1 + 3
    mov al, 0x03
    out dx, al                  ; 8 data bits, no parity, 1 stop bit
    mov dx, COM1 + 2
    mov al, 0x07
    out dx, al                  ; FIFOs on and cleared
    mov dx, COM1 + 4
    mov al, 0x03
    out dx, al                  ; DTR and RTS
    ret

; al -> COM1, once the transmitter has room
putc:
    push dx
    push ax
    mov dx, COM1 + 5
.wait:
    in al, dx
    test al, 0x20               ; LSR.THRE
    jz .wait
    pop ax
    mov dx, COM1
    out dx, al
    pop dx
    ret

; ds:si -> COM1, up to the NUL
puts:
    push ax
    push si
.next:
    lodsb
    test al, al
    jz .done
    call putc
    jmp .next
.done:
    pop si
    pop ax
    ret

; eax in decimal
putdec:
    pushad
    mov ebx, 10
    xor cx, cx
.divide:
    xor edx, edx
    div ebx
    push dx                     ; digits come out lowest first
    inc cx
    test eax, eax
    jnz .divide
.emit:
    pop ax
    add al, '0'
    call putc
    loop .emit
    popad
    ret

; ---- CPUID ---------------------------------------------------------------

; CPUID exists when EFLAGS.ID can be toggled.
has_cpuid:
    pushfd
    pop eax
    mov ecx, eax
    xor eax, 1 << 21
    push eax
    popfd
    pushfd
    pop eax
    push ecx
    popfd
    xor eax, ecx
    test eax, 1 << 21           ; ZF=0: it toggled
    ret

show_cpu:
    pushad
    call has_cpuid
    jnz .cpuid
    mov si, msg_no_cpuid
    call puts
    popad
    ret
.cpuid:
    xor eax, eax
    cpuid
    mov [ss:0x600], ebx         ; the vendor string is EBX, EDX, ECX
    mov [ss:0x604], edx
    mov [ss:0x608], ecx
    mov byte [ss:0x60c], 0
    mov si, msg_vendor
    call puts
    push ds
    push ss
    pop ds
    mov si, 0x600
    call puts
    pop ds
    mov eax, 1
    cpuid
    mov ebx, eax
    mov si, msg_family
    call puts
    mov eax, ebx
    shr eax, 8
    and eax, 0x0f
    call putdec
    mov si, msg_model
    call puts
    mov eax, ebx
    shr eax, 4
    and eax, 0x0f
    call putdec
    mov si, msg_stepping
    call puts
    mov eax, ebx
    and eax, 0x0f
    call putdec
    mov si, msg_crlf
    call puts
    popad
    ret

; ---- a small computation: primes by trial division ------------------------

show_primes:
    pushad
    mov si, msg_primes
    call puts
    mov ecx, 2                  ; candidate
.candidate:
    mov ebx, 2                  ; divisor
.try:
    mov eax, ebx
    mul ebx
    cmp eax, ecx
    ja .prime                   ; divisor^2 > candidate: no factor
    mov eax, ecx
    xor edx, edx
    div ebx
    test edx, edx
    jz .next                    ; divides: composite
    inc ebx
    jmp .try
.prime:
    mov al, ' '
    call putc
    mov eax, ecx
    call putdec
.next:
    inc ecx
    cmp ecx, 100
    jb .candidate
    mov si, msg_crlf
    call puts
    popad
    ret

msg_banner:   db "relic demo ROM: hello from a guest running without a BIOS", 13, 10, 0
msg_vendor:   db "CPU: ", 0
msg_family:   db ", family ", 0
msg_model:    db " model ", 0
msg_stepping: db " stepping ", 0
msg_no_cpuid: db "CPU: no CPUID instruction", 13, 10, 0
msg_primes:   db "primes below 100:", 0
msg_bye:      db "relic demo ROM: done, powering off", 13, 10, 0
msg_no_exit:  db "relic demo ROM: no isa-debug-exit device at 0xf4 or 0x501; halting", 13, 10, 0
msg_crlf:     db 13, 10, 0

    times 0xfff0 - ($ - $$) db 0xff
reset:
    jmp 0xf000:start
    times 0x10000 - ($ - $$) db 0xff
