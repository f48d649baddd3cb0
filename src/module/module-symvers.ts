// Module.symvers (kbuild: "crc\tsymbol\tmodule\texport-type\tnamespace") and modules.symbols
// (depmod: "alias symbol:NAME module"). Pure.

export interface SymbolExport {
  symbol: string;
  crc?: string;
  // "vmlinux" or a module path as kbuild writes it ("fs/fat/fat", "/abs/dir/provider").
  module: string;
  exportType?: string;
  namespace?: string;
}

export function parseModuleSymvers(text: string): SymbolExport[] {
  const exports: SymbolExport[] = [];
  for (const line of text.split("\n")) {
    const [crc, symbol, module, exportType, namespace] = line.split("\t");
    if (!crc || !symbol || !module) continue;
    exports.push({ symbol, crc, module, ...(exportType ? { exportType } : {}), ...(namespace ? { namespace } : {}) });
  }
  return exports;
}

export function parseModulesSymbols(text: string): SymbolExport[] {
  const exports: SymbolExport[] = [];
  for (const line of text.split("\n")) {
    const match = line.match(/^alias symbol:(\S+) (\S+)$/);
    if (match) exports.push({ symbol: match[1]!, module: match[2]! });
  }
  return exports;
}
