// The qalam extension: starts `qalam serve --stdio` for plaintext and markdown documents.

import * as vscode from 'vscode';
import {
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';

import {
  Candidate,
  bundledServer,
  describeAttempts,
  documentSelector,
  ensureExecutable,
  serverCandidates,
  serverSettings,
} from './config';
import { quotations } from './quotations';

const CLIENT_ID = 'qalam';
const CLIENT_NAME = 'qalam';
/**
 * Settings whose change needs a new server process. The others reach the running server: `qalam.lang`,
 * `qalam.debounceMs` and `qalam.diagnostics.*` through `workspace/didChangeConfiguration`, `qalam.trace.server`
 * through the client itself.
 */
const RESTART_SETTINGS = ['qalam.server.path', 'qalam.path', 'qalam.languages'];

let client: LanguageClient | undefined;
let outputChannel: vscode.OutputChannel | undefined;
let extensionDir = '';

function workspaceCwd(): string | undefined {
  return vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
}

function output(): vscode.OutputChannel {
  outputChannel ??= vscode.window.createOutputChannel(CLIENT_NAME);
  return outputChannel;
}

function newClient(command: string): LanguageClient {
  const config = vscode.workspace.getConfiguration('qalam');
  const cwd = workspaceCwd();
  // TransportKind.stdio makes the client append `--stdio`: the server runs as `qalam serve --stdio`.
  const serverOptions: ServerOptions = {
    run: { command, args: ['serve'], transport: TransportKind.stdio, options: { cwd } },
    debug: {
      command,
      args: ['serve'],
      transport: TransportKind.stdio,
      options: { cwd, env: { ...process.env, QALAM_LOG: 'debug' } },
    },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(config.get<unknown[]>('languages', ['plaintext', 'markdown'])),
    // The whole settings at start (so the first diagnostics already follow them); the client also sends its
    // `locale`, which the server uses while `qalam.lang` is `auto`.
    initializationOptions: serverSettings((key) => config.get(key)),
    // Every change of a `qalam.*` setting is pushed as `workspace/didChangeConfiguration` with `{ qalam: … }`;
    // the server also pulls the section with `workspace/configuration` after `initialized`.
    synchronize: { configurationSection: 'qalam' },
    outputChannel: output(),
    traceOutputChannel: output(),
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationFailedHandler: () => false,
  };
  return new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
}

/** Tries each candidate that has an executable, in order, until one starts; says what was tried when none does. */
async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const config = vscode.workspace.getConfiguration('qalam');
  ensureExecutable(bundledServer(context.extensionPath, process.platform, process.arch));
  const candidates: Candidate[] = serverCandidates({
    serverPath: config.get<string>('server.path', ''),
    legacyPath: config.get<string>('path', ''),
    extensionDir: context.extensionPath,
    cwd: workspaceCwd(),
  });
  const failures = new Map<string, string>();
  for (const candidate of candidates) {
    if (candidate.path === undefined) {
      output().appendLine(`qalam: ${describeAttempts([candidate], failures)[0]}`);
      continue;
    }
    const next = newClient(candidate.path);
    try {
      await next.start();
      client = next;
      output().appendLine(`qalam: started ${candidate.path} (${candidate.source})`);
      if (candidate.source === 'qalam.path') {
        output().appendLine('qalam: the setting qalam.path is deprecated; use qalam.server.path');
      }
      return;
    } catch (err) {
      failures.set(candidate.path, err instanceof Error ? err.message : String(err));
      output().appendLine(`qalam: ${candidate.path} failed to start: ${String(err)}`);
      try {
        await next.dispose();
      } catch {
        // It never ran: nothing to undo.
      }
    }
  }
  const tried = describeAttempts(candidates, failures);
  // Not awaited: activation (and the restart command) must not wait for the user to answer.
  void notifyNoServer(tried);
}

async function notifyNoServer(tried: string[]): Promise<void> {
  const open = 'Open Settings';
  const show = 'Show Output';
  const choice = await vscode.window.showErrorMessage(
    `qalam: no language server could be started. Tried: ${tried.join('; ')}. Install qalam (cargo install --path . ` +
      'in the qalam repository) or set "qalam.server.path" to the qalam binary.',
    open,
    show,
  );
  if (choice === open) {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'qalam.server.path');
  } else if (choice === show) {
    output().show(true);
  }
}

async function stopClient(): Promise<void> {
  const running = client;
  client = undefined;
  if (running !== undefined) {
    try {
      await running.stop();
    } catch {
      // Already stopped or never started: nothing to undo.
    }
  }
}

/** "qalam: Show Quotations": a quick pick of the active document's quotations with their speakers. */
async function showQuotations(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined || client === undefined) {
    void vscode.window.showInformationMessage(
      client === undefined ? 'qalam: the server is not running.' : 'qalam: open a document first.',
    );
    return;
  }
  const running = client;
  const result = await running.sendRequest('textDocument/documentSymbol', {
    textDocument: { uri: running.code2ProtocolConverter.asUri(editor.document.uri) },
  });
  const found = quotations(result);
  if (found.length === 0) {
    void vscode.window.showInformationMessage('qalam: no quotations in this document.');
    return;
  }
  type Item = vscode.QuickPickItem & { range: vscode.Range };
  const items: Item[] = found.map((q) => {
    const range = running.protocol2CodeConverter.asRange(q.selectionRange);
    return {
      label: `$(quote) ${q.text}`,
      description: q.speaker ?? '(no speaker found)',
      detail: `line ${range.start.line + 1}`,
      range,
    };
  });
  const original = editor.selection;
  const reveal = (item: Item): void => {
    editor.selection = new vscode.Selection(item.range.start, item.range.end);
    editor.revealRange(item.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  };
  const picked = await vscode.window.showQuickPick(items, {
    title: `qalam: ${found.length} quotation${found.length === 1 ? '' : 's'}`,
    placeHolder: 'Type to filter by words or speaker',
    matchOnDescription: true,
    onDidSelectItem: (item) => reveal(item as Item),
  });
  if (picked === undefined) {
    editor.selection = original;
    editor.revealRange(original, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return;
  }
  reveal(picked);
  await vscode.window.showTextDocument(editor.document, editor.viewColumn);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionDir = context.extensionPath;
  const restart = async (): Promise<void> => {
    await stopClient();
    await startClient(context);
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('qalam.restartServer', restart),
    vscode.commands.registerCommand('qalam.showOutput', () => output().show(true)),
    vscode.commands.registerCommand('qalam.showQuotations', showQuotations),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (RESTART_SETTINGS.some((key) => event.affectsConfiguration(key))) {
        void restart();
      }
    }),
    { dispose: () => void stopClient() },
  );
  output().appendLine(`qalam: extension ${context.extension.packageJSON.version} in ${extensionDir}`);
  await startClient(context);
}

export function deactivate(): Thenable<void> | undefined {
  return client === undefined ? undefined : stopClient();
}
