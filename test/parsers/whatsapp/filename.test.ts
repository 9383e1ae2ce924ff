import { describe, expect, it } from 'vitest';
import { chatTitleFromFileName, isWhatsAppChatFileName } from '../../../parsers/whatsapp/index.js';

describe('chatTitleFromFileName', () => {
  it.each([
    ['WhatsApp Chat with Test export.txt', 'Test export'],
    ['WhatsApp-chat met Crisisteam Hoogwater.txt', 'Crisisteam Hoogwater'],
    ['WhatsApp Chat - Group Chat XXX.zip', 'Group Chat XXX'],
    ['WhatsApp Chat - Group Chat XXX.txt', 'Group Chat XXX'],
    ['exports/2024/WhatsApp-chat met Directeur Bakker.txt', 'Directeur Bakker'],
    ['C:\\Users\\minister\\WhatsApp Chat with Persvoorlichting.txt', 'Persvoorlichting'],
    ['WhatsApp\u00a0Chat\u00a0-\u00a0Bad +90\u00a0531 000 00 00.zip', 'Bad +90 531 000 00 00'],
    ['WhatsApp-chat met Team: Noord.txt', 'Team: Noord'],
    ['_chat.txt', null],
    ['notulen.txt', null],
    ['WhatsApp Chat with .txt', null],
  ])('%s → %s', (name, title) => {
    expect(chatTitleFromFileName(name)).toBe(title);
  });
});

describe('isWhatsAppChatFileName', () => {
  it.each([
    ['_chat.txt', true],
    ['zip/_chat.txt', true],
    ['WhatsApp Chat with Test export.txt', true],
    ['WhatsApp-chat met Test export.txt', true],
    ['Chat WhatsApp s\u00a0uživatelem Jan.txt', true],
    ['whatsapp-export.TXT', true],
    ['mijn chat.txt', true],
    ['__MACOSX/._chat.txt', false],
    ['._chat.txt', false],
    ['IMG-20220502-WA0001.jpg', false],
    ['WhatsApp Chat - Test.zip', false],
    ['notulen.txt', false],
  ])('%s → %s', (name, expected) => {
    expect(isWhatsAppChatFileName(name)).toBe(expected);
  });
});
