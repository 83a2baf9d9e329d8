; A boot sector: prints through the BIOS (INT 10h) and exits through isa-debug-exit.
; tests/boot-seabios.sh boots it from an IDE disk through SeaBIOS.
bits 16
org 0x7c00
  xor ax, ax
  mov ds, ax
  mov si, msg
.l: lodsb
  test al, al
  jz .d
  mov ah, 0x0e
  int 0x10
  jmp .l
.d: mov dx, 0x3f8
  mov al, 'S'
  out dx, al
  mov al, 0
  out 0xf4, al
  hlt
msg: db "hello from a boot sector via SeaBIOS", 0
times 510-($-$$) db 0
dw 0xaa55
