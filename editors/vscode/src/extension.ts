// The qalam extension: starts `qalam serve --stdio` for plaintext and markdown documents.

import * as vscode from 'vscode';
import {
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';

import { documentSelector, initializationOptions, resolveExecutable } from './config';

const CLIENT_ID = 'qalam';
const CLIENT_NAME = 'qalam';
/** Settings whose change needs a new server process (`qalam.trace.server` is applied live by the client). */
const RESTART_SETTINGS = ['qalam.path', 'qalam.lang', 'qalam.languages'];

let client: LanguageClient | undefined;
let outputChannel: vscode.OutputChannel | undefined;

function workspaceCwd(): string | undefined {
  return vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
}

async function startClient(): Promise<void> {
  const config = vscode.workspace.getConfiguration('qalam');
  const setting = config.get<string>('path', 'qalam');
  const command = resolveExecutable(setting, process.env, process.platform, workspaceCwd() ?? process.cwd());
  if (command === undefined) {
    const open = 'Open Settings';
    const choice = await vscode.window.showErrorMessage(
      `qalam: cannot find the server executable "${setting}". Install qalam (cargo install --path . in the ` +
        'qalam repository) or set "qalam.path" to the full path of the qalam binary.',
      open,
    );
    if (choice === open) {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'qalam.path');
    }
    return;
  }

  // TransportKind.stdio makes the client append `--stdio`: the server runs as `qalam serve --stdio`.
  const serverOptions: ServerOptions = {
    run: { command, args: ['serve'], transport: TransportKind.stdio, options: { cwd: workspaceCwd() } },
    debug: {
      command,
      args: ['serve'],
      transport: TransportKind.stdio,
      options: { cwd: workspaceCwd(), env: { ...process.env, QALAM_LOG: 'debug' } },
    },
  };
  outputChannel ??= vscode.window.createOutputChannel(CLIENT_NAME);
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(config.get<unknown[]>('languages', ['plaintext', 'markdown'])),
    // The client sends `locale: vscode.env.language` itself; `lang` overrides it when the user asks.
    initializationOptions: initializationOptions(config.get<string>('lang', 'auto')),
    outputChannel,
    traceOutputChannel: outputChannel,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
  };
  client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    outputChannel.appendLine(`qalam: the server failed to start: ${String(err)}`);
    void vscode.window.showErrorMessage(`qalam: the server (${command}) failed to start; see the qalam output.`);
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

async function restartClient(): Promise<void> {
  await stopClient();
  await startClient();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand('qalam.restartServer', restartClient),
    vscode.commands.registerCommand('qalam.showOutput', () => outputChannel?.show(true)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (RESTART_SETTINGS.some((key) => event.affectsConfiguration(key))) {
        void restartClient();
      }
    }),
    { dispose: () => void stopClient() },
  );
  await startClient();
}

export function deactivate(): Thenable<void> | undefined {
  return client === undefined ? undefined : stopClient();
}
